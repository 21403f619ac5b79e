// qsp-contract build|verify|keygen: the reference's two commands plus key
// generation so the CLI can be used end to end without other tools.
// Exit codes: verify 0 = pass, 1 = fail; build 0 = written with accept,
// 1 = written with pending/reject; 2 = usage or I/O error (nothing written).
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { noble, type SignatureId } from '@qsp/crypto-suite';
import { build } from './build.js';
import type { Engine } from './engine.js';
import { hybridEngine } from './engines/hybrid.js';
import { pqcEngine } from './engines/pqc.js';
import { qkdEngine } from './engines/qkd.js';
import { thresholdEngine } from './engines/threshold.js';
import { ContractError } from './errors.js';
import { verifyFile, writeContract } from './fs.js';
import { keyId, SIGNATURE_ALGORITHMS, type Signer, type TrustedKey } from './keys.js';
import { type ProductSpec, STAGE286_SPEC } from './spec.js';
import type { InputLayer } from './types.js';
import type { VerifyResult } from './verify.js';

const USAGE = `usage:
  qsp-contract build  --input INPUT.json --engine pqc|qkd|hybrid|threshold [--keys KEYS.json] [--k N]
                      [--spec SPEC.json] [--out DIR] [--file-name NAME] [--sign SIGNER.json]
                      [--timeout MS] [--json]
  qsp-contract verify CONTRACT.json [--sha256 FILE] [--pin RANGE] [--keys KEYS.json] [--json]
  qsp-contract keygen --out SIGNER.json [--algorithm ML-DSA-65]

KEYS.json:   {"keys": [{"algorithm": "ML-DSA-65", "public_key": "<hex>"}]}
SIGNER.json: {"algorithm": "ML-DSA-65", "public_key": "<hex>", "secret_key": "<hex>"}
exit: verify 0 pass / 1 fail; build 0 accept / 1 pending or reject; 2 usage or I/O error`;

class UsageError extends Error {}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ContractError('IO_FAILED', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ContractError('PARSE_FAILED', `${path} is not JSON: ${(error as Error).message}`);
  }
}

function algorithmOf(value: unknown): SignatureId {
  if (!SIGNATURE_ALGORITHMS.includes(value as SignatureId))
    throw new UsageError(`unknown algorithm ${String(value)}`);
  return value as SignatureId;
}

function hexField(o: Record<string, unknown>, field: string): Uint8Array {
  const v = o[field];
  if (typeof v !== 'string' || !/^([0-9a-f]{2})+$/.test(v))
    throw new UsageError(`${field} must be lowercase hex`);
  return hexToBytes(v);
}

async function readKeys(path: string): Promise<TrustedKey[]> {
  const doc = (await readJson(path)) as { keys?: unknown };
  if (!Array.isArray(doc?.keys)) throw new UsageError(`${path} must hold {"keys": [...]}`);
  return doc.keys.map((k: Record<string, unknown>) => ({
    algorithm: algorithmOf(k.algorithm),
    publicKey: hexField(k, 'public_key'),
  }));
}

async function readSigner(path: string): Promise<Signer> {
  const doc = (await readJson(path)) as Record<string, unknown>;
  return {
    algorithm: algorithmOf(doc.algorithm),
    publicKey: hexField(doc, 'public_key'),
    secretKey: hexField(doc, 'secret_key'),
  };
}

function printVerify(result: VerifyResult, out: (s: string) => void): void {
  for (const c of result.checks)
    out(`${c.status === 'pass' ? 'PASS' : c.status === 'fail' ? 'FAIL' : 'SKIP'}  ${c.id}: ${c.detail}`);
  out(result.ok ? 'verdict: PASS' : `verdict: FAIL (${result.failed.join(', ')})`);
}

async function cmdVerify(args: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      sha256: { type: 'string' },
      pin: { type: 'string' },
      keys: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const path = positionals[0];
  if (!path || positionals.length > 1) throw new UsageError('verify takes one contract file');
  const result = await verifyFile(path, {
    ...(values.sha256 ? { sha256Path: values.sha256 } : {}),
    ...(values.pin !== undefined ? { pin: values.pin } : {}),
    ...(values.keys ? { keys: await readKeys(values.keys) } : {}),
  });
  if (values.json)
    out(
      JSON.stringify(
        {
          ok: result.ok,
          failed: result.failed,
          digest_rule: result.digestRule ?? null,
          checks: result.checks,
        },
        null,
        2,
      ),
    );
  else printVerify(result, out);
  return result.ok ? 0 : 1;
}

async function cmdBuild(args: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      engine: { type: 'string' },
      keys: { type: 'string' },
      k: { type: 'string' },
      spec: { type: 'string' },
      out: { type: 'string', default: 'out/product' },
      'file-name': { type: 'string' },
      sign: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.input || !values.engine) throw new UsageError('build needs --input and --engine');
  let engine: Engine;
  if (values.engine === 'pqc') {
    if (!values.keys) throw new UsageError('the pqc engine needs --keys');
    engine = pqcEngine({ trustedKeys: await readKeys(values.keys) });
  } else if (values.engine === 'threshold') {
    if (!values.keys || !values.k) throw new UsageError('the threshold engine needs --keys and --k');
    engine = thresholdEngine({ approvers: await readKeys(values.keys), k: Number(values.k) });
  } else if (values.engine === 'qkd') engine = qkdEngine();
  else if (values.engine === 'hybrid') {
    if (!values.keys) throw new UsageError('the hybrid (pqc + qkd) engine needs --keys');
    engine = hybridEngine({
      engines: [pqcEngine({ trustedKeys: await readKeys(values.keys) }), qkdEngine()],
    });
  } else throw new UsageError(`unknown engine ${values.engine}`);
  const spec = values.spec ? ((await readJson(values.spec)) as ProductSpec) : STAGE286_SPEC;
  const input = (await readJson(values.input)) as InputLayer;
  const built = await build(spec, input, engine, {
    ...(values.timeout ? { timeoutMs: Number(values.timeout) } : {}),
    ...(values['file-name'] ? { fileName: values['file-name'] } : {}),
    ...(values.sign ? { signer: await readSigner(values.sign) } : {}),
  });
  const written = await writeContract(built, values.out);
  const d = built.contract.decision_layer;
  if (values.json) {
    out(
      JSON.stringify(
        {
          decision: d.decision,
          reason_code: d.reason_code ?? null,
          reason: d.reason,
          contract_sha256: built.contract.exposure_layer.contract_sha256,
          ...written,
        },
        null,
        2,
      ),
    );
  } else {
    out(`decision: ${d.decision}${d.reason_code ? ` (${d.reason_code})` : ''}: ${d.reason}`);
    out(`execution_state: ${built.contract.enforcement_layer.execution_state}`);
    out(`contract_sha256: ${built.contract.exposure_layer.contract_sha256}`);
    out(`wrote ${written.contractPath}`);
    out(`wrote ${written.sha256Path}`);
  }
  return d.decision === 'accept' ? 0 : 1;
}

async function cmdKeygen(args: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, algorithm: { type: 'string', default: 'ML-DSA-65' } },
  });
  if (!values.out) throw new UsageError('keygen needs --out');
  const algorithm = algorithmOf(values.algorithm);
  const pair = noble.signature(algorithm).keygen();
  const doc = { algorithm, public_key: bytesToHex(pair.publicKey), secret_key: bytesToHex(pair.secretKey) };
  await writeFile(values.out, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  out(`wrote ${values.out} (${algorithm}, key_id ${keyId(pair.publicKey)})`);
  out(JSON.stringify({ keys: [{ algorithm, public_key: doc.public_key }] }));
  return 0;
}

/** Runs the CLI with arguments (without node and script); returns the exit code. */
export async function main(
  argv: string[],
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'verify') return await cmdVerify(rest, out);
    if (command === 'build') return await cmdBuild(rest, out);
    if (command === 'keygen') return await cmdKeygen(rest, out);
    err(USAGE);
    return 2;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      err(`qsp-contract: ${(error as Error).message}\n${USAGE}`);
    } else err(`qsp-contract: ${(error as Error).message}`);
    return 2;
  }
}
