// Issue #3's benchmark: per engine, ops/s for ML-KEM-768 encaps/decaps,
// ML-DSA-65 sign/verify, and AES-256-GCM / ChaCha20-Poly1305 seal and open at
// 64 B and 16 KiB; and the `auto` engine against the fastest raw primitive
// measured in the same run (target: at most 10% wrapper overhead, ratio >= 0.9).
// Raw primitives are the libraries called directly: @noble/* functions, and
// node:crypto with ready KeyObjects and no output concatenation.
//
//   pnpm bench                                   full run (about 3 minutes)
//   QSP_BENCH_TIME_MS=150 QSP_BENCH_ROUNDS=3 pnpm bench   quick look
//   QSP_BENCH_FILTER="seal 64" pnpm bench           only operations whose name contains this
import * as nodeCrypto from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
  type BenchCase,
  type Comparison,
  type ComparisonResult,
  compare,
  writeResults,
} from '@qsp/bench-kit';
import { type AeadId, type AlgorithmId, type Engine, noble } from '../src/index.js';
import { auto, autoProvider, node } from '../src/node.js';

interface PqNode {
  encapsulate(key: nodeCrypto.KeyObject): { sharedKey: Buffer; ciphertext: Buffer };
  decapsulate(key: nodeCrypto.KeyObject, ciphertext: Uint8Array): Buffer;
}
const pq = nodeCrypto as unknown as PqNode;

/** One operation: the raw primitive per engine that has it, and how each engine does it. */
interface Op {
  readonly name: string;
  readonly alg: AlgorithmId;
  readonly bytes?: number;
  readonly raw: Partial<Record<'noble' | 'node', () => unknown>>;
  readonly engine: (e: Engine) => () => unknown;
}

const msg = new Uint8Array(64).fill(0x42);

function kemOps(): Op[] {
  const raw = ml_kem768.keygen();
  const rawEnc = ml_kem768.encapsulate(raw.publicKey);
  const nodeRaw: Op['raw'] = {};
  const decNode: Op['raw'] = {};
  if (node.supports('ML-KEM-768')) {
    const kp = nodeCrypto.generateKeyPairSync(
      'ml-kem-768' as never,
    ) as unknown as nodeCrypto.KeyPairKeyObjectResult;
    const enc = pq.encapsulate(kp.publicKey);
    nodeRaw.node = () => pq.encapsulate(kp.publicKey);
    decNode.node = () => pq.decapsulate(kp.privateKey, enc.ciphertext);
  }
  const keys = new Map<string, { pk: Uint8Array; sk: Uint8Array; ct: Uint8Array }>();
  const keysFor = (e: Engine) => {
    let k = keys.get(e.name);
    if (k === undefined) {
      const kem = e.kem('ML-KEM-768');
      const kp = kem.keygen();
      k = { pk: kp.publicKey, sk: kp.secretKey, ct: kem.encapsulate(kp.publicKey).ciphertext };
      keys.set(e.name, k);
    }
    return k;
  };
  return [
    {
      name: 'ML-KEM-768 encapsulate',
      alg: 'ML-KEM-768',
      raw: { noble: () => ml_kem768.encapsulate(raw.publicKey), ...nodeRaw },
      engine: (e) => {
        const kem = e.kem('ML-KEM-768');
        const { pk } = keysFor(e);
        return () => kem.encapsulate(pk);
      },
    },
    {
      name: 'ML-KEM-768 decapsulate',
      alg: 'ML-KEM-768',
      raw: { noble: () => ml_kem768.decapsulate(rawEnc.cipherText, raw.secretKey), ...decNode },
      engine: (e) => {
        const kem = e.kem('ML-KEM-768');
        const { sk, ct } = keysFor(e);
        return () => kem.decapsulate(ct, sk);
      },
    },
  ];
}

function dsaOps(): Op[] {
  const raw = ml_dsa65.keygen();
  const rawSig = ml_dsa65.sign(msg, raw.secretKey);
  const signNode: Op['raw'] = {};
  const verifyNode: Op['raw'] = {};
  if (node.supports('ML-DSA-65')) {
    const kp = nodeCrypto.generateKeyPairSync(
      'ml-dsa-65' as never,
    ) as unknown as nodeCrypto.KeyPairKeyObjectResult;
    const sig = nodeCrypto.sign(null, msg, kp.privateKey);
    signNode.node = () => nodeCrypto.sign(null, msg, kp.privateKey);
    verifyNode.node = () => nodeCrypto.verify(null, msg, kp.publicKey, sig);
  }
  const keys = new Map<string, { pk: Uint8Array; sk: Uint8Array; sig: Uint8Array }>();
  const keysFor = (e: Engine) => {
    let k = keys.get(e.name);
    if (k === undefined) {
      const s = e.signature('ML-DSA-65');
      const kp = s.keygen();
      k = { pk: kp.publicKey, sk: kp.secretKey, sig: s.sign(msg, kp.secretKey) };
      keys.set(e.name, k);
    }
    return k;
  };
  return [
    {
      name: 'ML-DSA-65 sign (hedged)',
      alg: 'ML-DSA-65',
      raw: { noble: () => ml_dsa65.sign(msg, raw.secretKey), ...signNode },
      engine: (e) => {
        const s = e.signature('ML-DSA-65');
        const { sk } = keysFor(e);
        return () => s.sign(msg, sk);
      },
    },
    {
      name: 'ML-DSA-65 verify',
      alg: 'ML-DSA-65',
      raw: { noble: () => ml_dsa65.verify(rawSig, msg, raw.publicKey), ...verifyNode },
      engine: (e) => {
        const s = e.signature('ML-DSA-65');
        const { pk, sig } = keysFor(e);
        return () => {
          if (!s.verify(sig, msg, pk)) throw new Error('signature did not verify');
        };
      },
    },
  ];
}

function aeadOps(id: AeadId, size: number): Op[] {
  const key = nodeCrypto.randomBytes(32);
  const nonce = nodeCrypto.randomBytes(12);
  const aad = new Uint8Array(22);
  const pt = nodeCrypto.randomBytes(size);
  const nobleCipher = id === 'AES-256-GCM' ? gcm : chacha20poly1305;
  const nodeName = id === 'AES-256-GCM' ? 'aes-256-gcm' : 'chacha20-poly1305';
  const sealed = noble.aead(id).seal(key, nonce, pt, aad);
  const label = size === 64 ? '64 B' : '16 KiB';
  return [
    {
      name: `${id} seal ${label}`,
      alg: id,
      bytes: size,
      raw: {
        noble: () => nobleCipher(key, nonce, aad).encrypt(pt),
        // Buffer.concat: the RFC 5116 ciphertext || tag that noble returns and the Aead interface promises.
        node: () => {
          const c = nodeCrypto.createCipheriv(nodeName, key, nonce, {
            authTagLength: 16,
          } as never) as nodeCrypto.CipherGCM;
          c.setAAD(aad);
          return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
        },
      },
      engine: (e) => {
        const a = e.aead(id);
        return () => a.seal(key, nonce, pt, aad);
      },
    },
    {
      name: `${id} open ${label}`,
      alg: id,
      bytes: size,
      raw: {
        noble: () => nobleCipher(key, nonce, aad).decrypt(sealed),
        // Splitting the RFC 5116 input is part of the work: node:crypto takes the tag apart.
        node: () => {
          const d = nodeCrypto.createDecipheriv(nodeName, key, nonce, {
            authTagLength: 16,
          } as never) as nodeCrypto.DecipherGCM;
          d.setAuthTag(sealed.subarray(size));
          d.setAAD(aad);
          const plaintext = d.update(sealed.subarray(0, size));
          d.final();
          return plaintext;
        },
      },
      engine: (e) => {
        const a = e.aead(id);
        return () => a.open(key, nonce, sealed, aad);
      },
    },
  ];
}

const filter = process.env.QSP_BENCH_FILTER;
const allOps: Op[] = [
  ...kemOps(),
  ...dsaOps(),
  ...(['AES-256-GCM', 'ChaCha20-Poly1305'] as const).flatMap((id) =>
    [64, 16 * 1024].flatMap((size) => aeadOps(id, size)),
  ),
];

// Under Node >= 24.7 (OpenSSL 3.5) node:crypto has ML-KEM and ML-DSA, and auto must take them.
const ops = filter === undefined ? allOps : allOps.filter((op) => op.name.includes(filter));
const choices = Object.fromEntries(ops.map((op) => [op.alg, autoProvider(op.alg)]));
for (const alg of ['ML-KEM-768', 'ML-DSA-65'] as const) {
  if (node.supports(alg) && choices[alg] !== 'node') throw new Error(`auto chose ${choices[alg]} for ${alg}`);
}
process.stdout.write(`Node ${process.version}; auto uses ${JSON.stringify(choices)}\n`);

const caseOf = (name: string, fn: () => unknown, bytes?: number): BenchCase =>
  bytes === undefined ? { name, fn } : { name, fn, bytesPerOp: bytes };

const perEngine: ComparisonResult[] = [];
const autoResults: ComparisonResult[] = [];
for (const op of ops) {
  // 1. Each engine against its own raw primitive: the per-engine numbers, and each wrapper's overhead.
  const measured: Comparison[] = [];
  for (const e of [noble, node]) {
    const raw = op.raw[e.name as 'noble' | 'node'];
    if (raw === undefined || !e.supports(op.alg)) continue;
    measured.push({
      name: `${op.name}: ${e.name} engine vs raw ${e.name === 'node' ? 'node:crypto' : '@noble'}`,
      subject: caseOf(`${e.name} engine`, op.engine(e), op.bytes),
      baseline: caseOf(`raw ${e.name}`, raw, op.bytes),
      note: 'per-engine ops/s; ratio = engine / raw (wrapper overhead), no target',
    });
  }
  const results = await compare(measured);
  perEngine.push(...results);
  // 2. auto against the fastest raw primitive of this run.
  const best = results.reduce((a, b) => (b.baseline.ops_per_s > a.baseline.ops_per_s ? b : a));
  const bestEngine = best.baseline.name.replace('raw ', '') as 'noble' | 'node';
  autoResults.push(
    ...(await compare([
      {
        name: `${op.name}: auto vs fastest raw (${bestEngine})`,
        subject: caseOf(`auto (${autoProvider(op.alg)})`, op.engine(auto), op.bytes),
        baseline: caseOf(`raw ${bestEngine}`, op.raw[bestEngine]!, op.bytes),
        minRatio: 0.9,
        note: 'ratio = auto / fastest raw primitive; target: wrapper overhead at most 10%',
      },
    ])),
  );
}

writeResults('qsp-crypto-suite', {
  package: '@qsp/crypto-suite',
  auto_choices: choices,
  results: [...perEngine, ...autoResults],
});
const missed = autoResults.filter((r) => !r.meets_target);
process.stdout.write(
  `auto: ${autoResults.length - missed.length}/${autoResults.length} within 10% of the fastest raw primitive\n`,
);
