import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { noble, type SignatureId } from '@qsp/crypto-suite';
import { TemporalEngine } from './engine.js';
import { isTemporalError, TemporalError } from './errors.js';
import { FileJournalStore } from './file-store.js';
import { readKeyFile, writeKeyFile } from './keys.js';
import { isLive, type LeaseStatus } from './lease.js';
import { preset, type TemporalPolicy, validatePolicy } from './policy.js';
import { approveRenewal, parseToken } from './renewal.js';
import { formatRfc3339 } from './rfc3339.js';
import { runScenario, SCENARIOS, type ScenarioName } from './scenarios.js';

const USAGE = `qsafp — temporal boundaries for AI systems

  qsafp init [--policy standard] [--approvers 3] [--threshold 2] [--ai-framework NAME]
  qsafp register [--policy NAME | --policy-file FILE] [--system-id UUID]
                 [--approver-key FILE ...] [--threshold K]
  qsafp status --system UUID
  qsafp renew --system UUID [--period SECONDS] [--out token.json]    start a renewal
  qsafp approve --token token.json --key approver-1.key [--out FILE] sign it
  qsafp renew --system UUID --approval FILE --approval FILE           complete it
  qsafp shutdown --system UUID [--reason TEXT]
  qsafp test --scenario expiration_enforcement|renewal|clock_rollback|crash_recovery|all

Every command takes --dir DIR (default ./.qsafp). Exit codes: 0 ok; 1 refused
(the error code is printed); 2 usage; 3 'status' of a lease that is not live;
4 a 'test' scenario failed.`;

class UsageError extends Error {}

interface Config {
  readonly policy: TemporalPolicy;
  readonly threshold: number;
  readonly approverKeys: readonly string[];
  readonly alg: SignatureId;
  /** Recorded for the operator (the seed's \`--ai-framework\`); the lease works the same for any framework. */
  readonly aiFramework?: string;
}

/** Where the CLI writes: a line at a time. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

function statusLines(s: LeaseStatus): string {
  return JSON.stringify(
    {
      system_id: s.systemId,
      state: s.state,
      sequence: s.sequence,
      now: formatRfc3339(s.now),
      warning_at: formatRfc3339(s.warningAt),
      expiration: formatRfc3339(s.expiresAt),
      grace_ends_at: formatRfc3339(s.graceEndsAt),
      cap: formatRfc3339(s.capAt),
      remaining_seconds: s.remainingMs / 1000,
      policy: s.policy,
    },
    null,
    2,
  );
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new TemporalError('INVALID_ARGUMENT', `cannot read JSON from ${path}`, { cause });
  }
}

async function readConfig(dir: string): Promise<Config> {
  const config = (await readJson(join(dir, 'config.json'))) as Config;
  return { ...config, policy: validatePolicy(config.policy) };
}

async function withEngine<T>(dir: string, fn: (engine: TemporalEngine) => Promise<T>): Promise<T> {
  const authority = await readKeyFile(join(dir, 'authority.key'));
  if (!authority.secretKey) throw new TemporalError('INVALID_ARGUMENT', 'authority.key has no secret key');
  const engine = await TemporalEngine.open({
    store: new FileJournalStore({ dir }),
    authority: { alg: authority.alg, publicKey: authority.publicKey, secretKey: authority.secretKey },
    checkpointIntervalMs: 0,
  });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

function one(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function required(values: Record<string, unknown>, name: string): string {
  const v = one(values, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

async function main(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const { values } = parseArgs({
    args: [...rest],
    strict: true,
    options: {
      dir: { type: 'string' },
      policy: { type: 'string' },
      'policy-file': { type: 'string' },
      'ai-framework': { type: 'string' },
      approvers: { type: 'string' },
      threshold: { type: 'string' },
      'approver-key': { type: 'string', multiple: true },
      'system-id': { type: 'string' },
      system: { type: 'string' },
      period: { type: 'string' },
      out: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      approval: { type: 'string', multiple: true },
      reason: { type: 'string' },
      scenario: { type: 'string' },
    },
  });
  const dir = resolve(one(values, 'dir') ?? '.qsafp');
  switch (command) {
    case 'init': {
      const policy = preset(one(values, 'policy') ?? 'standard');
      const n = positiveInt(one(values, 'approvers'), 'approvers', 3);
      const k = positiveInt(one(values, 'threshold'), 'threshold', Math.min(2, n));
      if (k > n) throw new UsageError('--threshold cannot exceed --approvers');
      if (existsSync(join(dir, 'config.json'))) {
        // Never overwrite keys: approvers may already hold theirs.
        throw new TemporalError('INVALID_ARGUMENT', `${dir} is already initialised`);
      }
      await mkdir(dir, { recursive: true });
      const alg: SignatureId = 'ML-DSA-65';
      const sig = noble.signature(alg);
      await writeKeyFile(join(dir, 'authority.key'), alg, sig.keygen(), true);
      const approverKeys: string[] = [];
      for (let i = 1; i <= n; i++) {
        const pair = sig.keygen();
        await writeKeyFile(join(dir, `approver-${i}.key`), alg, pair, true);
        await writeKeyFile(join(dir, `approver-${i}.pub`), alg, pair, false);
        approverKeys.push(`approver-${i}.pub`);
      }
      const framework = one(values, 'ai-framework');
      const config: Config = {
        policy,
        threshold: k,
        approverKeys,
        alg,
        ...(framework ? { aiFramework: framework } : {}),
      };
      await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { flag: 'wx' });
      out(`initialised ${dir}: policy ${JSON.stringify(policy)}, ${k}-of-${n} approvers (approver-N.key)`);
      return 0;
    }
    case 'register': {
      const config = await readConfig(dir);
      const policyFile = one(values, 'policy-file');
      const policyName = one(values, 'policy');
      const policy = policyFile
        ? validatePolicy(await readJson(policyFile))
        : policyName
          ? preset(policyName)
          : config.policy;
      const keyFiles =
        (values['approver-key'] as string[] | undefined) ?? config.approverKeys.map((f) => join(dir, f));
      const keys = await Promise.all(keyFiles.map((f) => readKeyFile(f)));
      const alg = keys[0]?.alg ?? config.alg;
      if (keys.some((k) => k.alg !== alg)) throw new UsageError('all approver keys must use one algorithm');
      const threshold = positiveInt(one(values, 'threshold'), 'threshold', config.threshold);
      const systemId = one(values, 'system-id');
      const status = await withEngine(dir, (engine) =>
        engine.register({
          policy,
          approvers: { alg, threshold, publicKeys: keys.map((k) => k.publicKey) },
          ...(systemId === undefined ? {} : { systemId }),
        }),
      );
      out(statusLines(status));
      return 0;
    }
    case 'status': {
      const status = await withEngine(dir, async (engine) => engine.status(required(values, 'system')));
      out(statusLines(status));
      return isLive(status.state) ? 0 : 3;
    }
    case 'renew': {
      const system = required(values, 'system');
      const approvalFiles = values.approval as string[] | undefined;
      if (approvalFiles === undefined) {
        const period = one(values, 'period');
        const token = await withEngine(dir, (engine) =>
          engine.initiateRenewal(system, period === undefined ? {} : { period: Number(period) }),
        );
        const text = `${JSON.stringify(token, null, 2)}\n`;
        const target = one(values, 'out');
        if (target) await writeFile(target, text);
        out(text.trimEnd());
        return 0;
      }
      const approvals = await Promise.all(approvalFiles.map((f) => readJson(f)));
      const result = await withEngine(dir, (engine) => engine.renew(system, approvals as never));
      out(statusLines(result.status));
      out(`granted ${result.grantedMs / 1000} s`);
      return 0;
    }
    case 'approve': {
      const token = parseToken(await readJson(required(values, 'token')));
      const key = await readKeyFile(required(values, 'key'));
      if (!key.secretKey) throw new UsageError('--key must be a secret key file (approver-N.key)');
      out(
        `approving renewal of ${token.system_id} (sequence ${token.sequence}) until ${token.new_expiration}`,
      );
      const approval = approveRenewal(
        token,
        { publicKey: key.publicKey, secretKey: key.secretKey },
        noble.signature(key.alg),
      );
      const text = `${JSON.stringify(approval, null, 2)}\n`;
      const target = one(values, 'out');
      if (target) await writeFile(target, text);
      out(text.trimEnd());
      return 0;
    }
    case 'shutdown': {
      const reason = one(values, 'reason');
      const status = await withEngine(dir, (engine) =>
        engine.shutdown(required(values, 'system'), ...(reason === undefined ? [] : [reason])),
      );
      out(statusLines(status));
      return 0;
    }
    case 'test': {
      const scenario = one(values, 'scenario') ?? 'all';
      const names: readonly ScenarioName[] =
        scenario === 'all' ? SCENARIOS : SCENARIOS.filter((s) => s === scenario);
      if (names.length === 0)
        throw new UsageError(`unknown scenario ${scenario}; one of ${SCENARIOS.join(', ')}, all`);
      let failed = 0;
      for (const name of names) {
        const result = await runScenario(name);
        for (const check of result.checks) out(`  ${check.passed ? 'pass' : 'FAIL'}  ${check.check}`);
        out(`${result.passed ? 'PASS' : 'FAIL'} ${name}`);
        if (!result.passed) failed++;
      }
      return failed === 0 ? 0 : 4;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/**
 * Runs one `qsafp` command and returns its exit code: 0 ok, 1 refused (the
 * TemporalError code is printed), 2 usage, 3 `status` of a lease that is not
 * live, 4 a `test` scenario failed. Never throws.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await main(argv, io.out);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (isTemporalError(error)) {
      io.err(`refused: ${error.message}`);
      return 1;
    }
    io.err(`error: ${error instanceof Error ? error.stack : String(error)}`);
    return 1;
  }
}
