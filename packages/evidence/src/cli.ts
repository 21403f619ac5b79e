// qsp-evidence keygen|pack|verify. Exit codes: 0 success (verify: every check
// passed), 1 verification failed, 2 usage, input or I/O error (nothing written).
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { SIGNATURE_ALGORITHM } from './bundle.js';
import { EvidenceError, isEvidenceError } from './errors.js';
import { readJsonFile } from './json-file.js';
import { KeyRegistry } from './keys.js';
import { packFiles, readKeyRegistry, verifyFile, writeKeyRegistry } from './node.js';
import type { PackProgress } from './pack.js';
import { remoteSigner } from './remote-signer.js';
import { generateKey, localSigner, type Signer } from './signer.js';
import { readSignerFile, writeSignerFile } from './signer-file.js';
import { assertJob } from './validate.js';
import type { VerificationReport } from './verify.js';

const USAGE = `usage:
  qsp-evidence keygen --key-id ID --out SIGNER.json [--registry REGISTRY.json] [--valid-days N] [--json]
  qsp-evidence pack   --job JOB.json --out BUNDLE.json (--signer SIGNER.json | --remote URL --key-id ID)
                      [--name NAME=FILE]... [--concurrency N] [--no-progress] [--json] FILE...
  qsp-evidence verify BUNDLE.json --keys REGISTRY.json [--artifacts DIR] [--now RFC3339] [--no-progress] [--json]

SIGNER.json:   {"key_id", "algorithm": "ML-DSA-65", "public_key", "secret_key"} (standard base64; keep it secret)
REGISTRY.json: {"keys": [{"key_id", "algorithm": "ML-DSA-65", "public_key", "not_before", "not_after", "revoked_at"}]}
--remote:      a QuantumLock signing service (POST /api/v1/quantum/crypto/sign); token from QSP_EVIDENCE_TOKEN
exit: 0 ok / verify passed; 1 verify failed; 2 usage, input or I/O error`;

class UsageError extends Error {}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Draw the progress bar (default: when stderr is a terminal). */
  readonly progress?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    progress: process.stderr.isTTY === true,
    env: process.env,
  };
}

async function readSigner(path: string): Promise<Signer> {
  const { keyId, secretKey } = await readSignerFile(path);
  return localSigner({ keyId, secretKey });
}

/** A progress bar on one terminal line, redrawn at most every 100 ms. */
function progressBar(io: CliIo, totalBytes: number): { update(p: PackProgress): void; done(): void } {
  let last = 0;
  const draw = (bytes: number, name: string) => {
    const ratio = totalBytes === 0 ? 1 : Math.min(1, bytes / totalBytes);
    const width = 30;
    const full = Math.round(ratio * width);
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    io.stderr(
      `\r[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${mib(bytes)}/${mib(totalBytes)} MiB ${name.slice(0, 40)}\x1b[K`,
    );
  };
  return {
    update(p) {
      const t = Date.now();
      if (t - last < 100 && p.totalBytes < totalBytes) return;
      last = t;
      draw(p.totalBytes, p.artifact);
    },
    done() {
      draw(totalBytes, 'done');
      io.stderr('\n');
    },
  };
}

async function keygen(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'key-id': { type: 'string' },
      out: { type: 'string' },
      registry: { type: 'string' },
      'valid-days': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const keyId = values['key-id'];
  if (!keyId || !values.out) throw new UsageError('keygen needs --key-id and --out');
  const days = Number(values['valid-days'] ?? 730);
  if (!Number.isInteger(days) || days < 1 || days > 36500)
    throw new UsageError('--valid-days is a whole number of days');
  const key = generateKey(keyId);
  await writeSignerFile(values.out, key);
  const notBefore = new Date();
  const entry = {
    keyId,
    algorithm: SIGNATURE_ALGORITHM,
    publicKey: key.publicKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    revokedAt: null,
  } as const;
  if (values.registry) {
    let registry: KeyRegistry;
    try {
      await stat(values.registry);
      registry = await readKeyRegistry(values.registry);
    } catch (e) {
      if (isEvidenceError(e)) throw e;
      registry = new KeyRegistry();
    }
    registry.add(entry);
    await writeKeyRegistry(values.registry, registry);
  }
  const record = new KeyRegistry([entry]).toJSON().keys[0]!;
  if (values.json)
    io.stdout(`${JSON.stringify({ signer: values.out, registry: values.registry ?? null, key: record })}\n`);
  else {
    io.stdout(`wrote ${values.out} (secret key, mode 0600) for ${keyId}\n`);
    if (values.registry) io.stdout(`added ${keyId} to ${values.registry}, valid until ${record.not_after}\n`);
  }
  return 0;
}

async function packCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      job: { type: 'string' },
      out: { type: 'string' },
      signer: { type: 'string' },
      remote: { type: 'string' },
      'key-id': { type: 'string' },
      name: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'no-progress': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.job || !values.out) throw new UsageError('pack needs --job and --out');
  if ((values.signer === undefined) === (values.remote === undefined)) {
    throw new UsageError('pack needs exactly one of --signer or --remote');
  }
  const names = new Map<string, string>();
  for (const n of values.name ?? []) {
    const eq = n.indexOf('=');
    if (eq <= 0) throw new UsageError('--name is NAME=FILE');
    names.set(n.slice(eq + 1), n.slice(0, eq));
  }
  const job = await readJsonFile(values.job);
  assertJob(job);
  let signer: Signer;
  if (values.remote !== undefined) {
    if (!values['key-id']) throw new UsageError('--remote needs --key-id');
    const token = io.env?.QSP_EVIDENCE_TOKEN;
    signer = remoteSigner({ baseUrl: values.remote, keyId: values['key-id'], ...(token ? { token } : {}) });
  } else {
    signer = await readSigner(values.signer!);
  }
  let total = 0;
  for (const path of positionals) {
    try {
      total += (await stat(path)).size;
    } catch (cause) {
      throw new EvidenceError('ARTIFACT_READ_FAILED', `cannot read ${path}`, { cause });
    }
  }
  const bar = (io.progress ?? false) && !values['no-progress'] ? progressBar(io, total) : undefined;
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new UsageError('--concurrency is 1..64');
  }
  const result = await packFiles(
    job,
    positionals.map((path) => ({ path, name: names.get(path) ?? basename(path) })),
    signer,
    {
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(bar ? { onProgress: (p: PackProgress) => bar.update(p) } : {}),
    },
  );
  bar?.done();
  await writeFile(values.out, result.bytes, { flag: 'wx' });
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ out: values.out, bundle_id: result.bundle.bundle_id, bundle_hash: result.bundleHash, merkle_root: result.bundle.merkle_root, artifacts: result.bundle.artifacts })}\n`,
    );
  } else {
    io.stdout(
      `wrote ${values.out}: ${result.bundle.bundle_id}, ${result.bundle.artifacts.length} artifacts\n`,
    );
    io.stdout(`bundle hash ${result.bundleHash}\nmerkle root ${result.bundle.merkle_root}\n`);
  }
  return 0;
}

/** The artifact bytes a bundle file lists (0 when it cannot tell): the progress bar's 100%. */
async function listedBytes(path: string): Promise<number> {
  try {
    const v = (await readJsonFile(path)) as { artifacts?: { size_bytes?: unknown }[] };
    return (v.artifacts ?? []).reduce(
      (n, a) => n + (typeof a?.size_bytes === 'number' ? a.size_bytes : 0),
      0,
    );
  } catch {
    return 0;
  }
}

function printReport(report: VerificationReport, io: CliIo): void {
  for (const c of report.checks) {
    const label = c.artifact === undefined ? c.check : `${c.check} ${c.artifact}`;
    io.stdout(`${c.passed ? 'PASS' : 'FAIL'} ${label}: ${c.detail}\n`);
  }
  io.stdout(report.valid ? 'VALID: every check passed\n' : `INVALID: ${report.failed.join(', ')}\n`);
}

async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      keys: { type: 'string' },
      artifacts: { type: 'string' },
      now: { type: 'string' },
      'no-progress': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || !values.keys) throw new UsageError('verify needs BUNDLE and --keys');
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError('--now is an RFC 3339 instant');
  const keys = await readKeyRegistry(values.keys);
  const bar =
    values.artifacts !== undefined && (io.progress ?? false) && !values['no-progress']
      ? progressBar(io, await listedBytes(positionals[0]!))
      : undefined;
  const report = await verifyFile(positionals[0]!, {
    keys,
    now,
    ...(values.artifacts === undefined ? {} : { artifactsDir: values.artifacts }),
    ...(bar ? { onProgress: (p: PackProgress) => bar.update(p) } : {}),
  });
  bar?.done();
  if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
  else printReport(report, io);
  return report.valid ? 0 : 1;
}

/** Runs the CLI with its arguments (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'keygen':
        return await keygen(rest, io);
      case 'pack':
        return await packCommand(rest, io);
      case 'verify':
        return await verifyCommand(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const json = rest.includes('--json');
    const code = isEvidenceError(e)
      ? e.code
      : e instanceof UsageError || isArgError(e)
        ? 'USAGE'
        : 'IO_ERROR';
    const message = (e as Error)?.message ?? String(e);
    if (json) io.stdout(`${JSON.stringify({ error: code, message })}\n`);
    io.stderr(`qsp-evidence: ${message}\n`);
    if (code === 'USAGE') io.stderr(`${USAGE}\n`);
    return 2;
  }
}

function isArgError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
