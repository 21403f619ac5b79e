// verify(): a fixed list of named checks, each reported, and one verdict.
// The reference verifier's six checks come first, under its meanings; the
// rest are this package's. A check that cannot run because an earlier part
// is missing fails (or, when the caller did not ask for it, is skipped) and
// says why; verify itself never throws on a contract, whatever its bytes.
import { hexToBytes } from '@noble/hashes/utils.js';
import { type Engine as CryptoEngine, noble } from '@qsp/crypto-suite';
import canonicalize from 'canonicalize';
import semver from 'semver';
import { canonicalPreimage, PYTHON_RULE, pythonDigest, RFC8785_RULE, rfc8785Digest } from './digest.js';
import { ALLOWED_OUTPUTS, EXECUTION_STATE } from './enforcement.js';
import { sha256Hex } from './hash.js';
import { keyId, SIGNATURE_ALGORITHMS, SIGNING_CONTEXT, type TrustedKey } from './keys.js';
import { MAX_DEPTH, valueTooDeep } from './limits.js';
import { parsePreservingNumbers } from './python-json.js';
import { schemaProblems } from './schema.js';
import type { Contract, Decision, ExecutionState } from './types.js';
import { STAGE, SUPPORTED_RANGE } from './version.js';

export type CheckId =
  | 'parse'
  | 'stage'
  | 'policy.fail_closed_required'
  | 'decision'
  | 'enforcement.fail_closed'
  | 'public_status'
  | 'file_sha256'
  | 'schema'
  | 'spec_version'
  | 'pin'
  | 'execution_state'
  | 'contract_sha256'
  | 'signature';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface VerifyOptions {
  /** The `.sha256` file (sha256sum format) to check the contract's bytes against. */
  readonly sha256File?: string | Uint8Array;
  /** Semver range of spec versions the consumer accepts, e.g. "^1.0". */
  readonly pin?: string;
  /** Trusted signing keys. When given, a contract must carry a signature by one of them. */
  readonly keys?: readonly TrustedKey[];
  readonly crypto?: CryptoEngine;
}

export interface VerifyResult {
  /** True when no check failed. */
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** The ids of the failed checks, in order. */
  readonly failed: readonly CheckId[];
  /** The digest rule the contract was made under, when it could be told. */
  readonly digestRule?: typeof RFC8785_RULE | typeof PYTHON_RULE;
  /** The parsed contract (unvalidated when a check failed). */
  readonly contract?: unknown;
}

const ORDER: readonly CheckId[] = [
  'parse',
  'stage',
  'policy.fail_closed_required',
  'decision',
  'enforcement.fail_closed',
  'public_status',
  'file_sha256',
  'schema',
  'spec_version',
  'pin',
  'execution_state',
  'contract_sha256',
  'signature',
];

const DECISIONS: readonly string[] = ['accept', 'pending', 'reject'];
const decoder = new TextDecoder('utf-8', { fatal: true });

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (v: unknown, ...path: string[]): unknown => {
  let cur = v;
  for (const p of path) {
    if (!isObj(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
};
const show = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v));

interface Parsed {
  readonly value?: unknown;
  readonly text?: string;
  readonly bytes?: Uint8Array;
  readonly error?: string;
}

function parseInput(contract: unknown): Parsed {
  if (contract instanceof Uint8Array || typeof contract === 'string') {
    let text: string;
    let bytes: Uint8Array | undefined;
    if (typeof contract === 'string') text = contract;
    else {
      bytes = contract;
      try {
        text = decoder.decode(contract);
      } catch {
        return { bytes, error: 'contract bytes are not valid UTF-8' };
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { text, ...(bytes ? { bytes } : {}), error: `not JSON: ${(error as Error).message}` };
    }
    if (!isObj(value)) return { text, ...(bytes ? { bytes } : {}), error: 'contract is not a JSON object' };
    // JSON.parse is iterative in V8; everything after it (canonicalize, ajv, the Python form) recurses.
    if (valueTooDeep(value))
      return { text, ...(bytes ? { bytes } : {}), error: `JSON nests deeper than ${MAX_DEPTH} levels` };
    // A key given twice is read differently by different parsers; the file must mean one thing.
    // Canonical files (what build writes) cannot hold one, so only other layouts pay for the slow scan.
    const canonical = canonicalize(value);
    if (text !== `${canonical}\n` && text !== canonical) {
      try {
        parsePreservingNumbers(text);
      } catch (error) {
        return { text, ...(bytes ? { bytes } : {}), error: (error as Error).message };
      }
    }
    return { value, text, ...(bytes ? { bytes } : {}) };
  }
  if (!isObj(contract)) return { error: 'contract is not a JSON object' };
  // A snapshot of plain JSON data, so getters, proxies or cycles cannot make the checks disagree.
  try {
    if (valueTooDeep(contract))
      return { error: `contract nests deeper than ${MAX_DEPTH} levels, or is cyclic` };
    const canonical = canonicalize(contract);
    if (canonical === undefined) return { error: 'contract is not JSON data' };
    return { value: JSON.parse(canonical) };
  } catch (error) {
    return { error: `contract is not JSON data: ${(error as Error).message}` };
  }
}

function parseSha256File(file: string | Uint8Array): string | undefined {
  const text = typeof file === 'string' ? file : new TextDecoder().decode(file);
  const m = /^\\?([0-9a-fA-F]{64}) [ *]?.+$/m.exec(text.split('\n')[0] ?? '');
  return m?.[1]?.toLowerCase();
}

function signatureCheck(contract: Obj, options: VerifyOptions): [CheckStatus, string] {
  const sig = get(contract, 'exposure_layer', 'signature');
  const keys = options.keys;
  if (sig === undefined) {
    return keys && keys.length > 0
      ? ['fail', 'trusted keys were given but the contract is not signed']
      : ['skip', 'contract is not signed'];
  }
  if (!isObj(sig)) return ['fail', 'exposure_layer.signature is not an object'];
  const { algorithm, key_id, public_key, value } = sig;
  if (typeof algorithm !== 'string' || !SIGNATURE_ALGORITHMS.includes(algorithm as TrustedKey['algorithm'])) {
    return ['fail', `unsupported signature algorithm ${show(algorithm)}`];
  }
  if (
    typeof public_key !== 'string' ||
    typeof value !== 'string' ||
    !/^([0-9a-f]{2})+$/.test(public_key) ||
    !/^([0-9a-f]{2})+$/.test(value)
  ) {
    return ['fail', 'signature public_key and value must be lowercase hex'];
  }
  const pk = hexToBytes(public_key);
  if (key_id !== keyId(pk)) return ['fail', 'signature key_id is not the SHA-256 of its public key'];
  const trusted = keys?.find((k) => k.algorithm === algorithm && keyId(k.publicKey) === key_id);
  if (keys && keys.length > 0 && !trusted)
    return ['fail', `signing key ${key_id} is not among the trusted keys`];
  const scheme = (options.crypto ?? noble).signature(algorithm as TrustedKey['algorithm']);
  const sigBytes = hexToBytes(value);
  if (pk.length !== scheme.publicKeyLength || sigBytes.length !== scheme.signatureLength) {
    return ['fail', `${algorithm} key or signature has the wrong length`];
  }
  let preimage: string;
  try {
    preimage = canonicalPreimage(contract as unknown as Contract);
  } catch (error) {
    return ['fail', `cannot canonicalise the contract: ${(error as Error).message}`];
  }
  const ok = scheme.verify(sigBytes, new TextEncoder().encode(preimage), pk, { context: SIGNING_CONTEXT });
  if (!ok) return ['fail', `${algorithm} signature does not verify over the canonical contract`];
  if (!trusted)
    return [
      'skip',
      `${algorithm} signature verifies under its embedded key ${key_id}, which is not trusted (no keys given)`,
    ];
  return ['pass', `${algorithm} signature by trusted key ${key_id} verifies`];
}

function digestCheck(
  contract: Obj,
  parsed: Parsed,
): { result: [CheckStatus, string]; rule?: VerifyResult['digestRule'] } {
  const embedded = get(contract, 'exposure_layer', 'contract_sha256');
  if (typeof embedded !== 'string') return { result: ['fail', 'exposure_layer.contract_sha256 is missing'] };
  const rule = get(contract, 'exposure_layer', 'digest_rule');
  if (rule === RFC8785_RULE) {
    let actual: string;
    try {
      actual = rfc8785Digest(contract as unknown as Contract);
    } catch (error) {
      return {
        rule: RFC8785_RULE,
        result: ['fail', `cannot canonicalise the contract: ${(error as Error).message}`],
      };
    }
    return actual === embedded
      ? { rule: RFC8785_RULE, result: ['pass', `SHA-256 of the RFC 8785 form matches (${actual})`] }
      : {
          rule: RFC8785_RULE,
          result: ['fail', `embedded ${embedded} but the RFC 8785 form hashes to ${actual}`],
        };
  }
  if (rule !== undefined) return { result: ['fail', `unknown digest_rule ${show(rule)}`] };
  if (parsed.text === undefined) {
    return {
      rule: PYTHON_RULE,
      result: [
        'fail',
        'reference-rule digest (Python json.dumps form) needs the contract text, not a parsed object: 1.0 and 1 differ there',
      ],
    };
  }
  let actual: string;
  try {
    actual = pythonDigest(parsed.text);
  } catch (error) {
    return {
      rule: PYTHON_RULE,
      result: ['fail', `cannot reproduce the reference's Python form: ${(error as Error).message}`],
    };
  }
  return actual === embedded
    ? {
        rule: PYTHON_RULE,
        result: [
          'pass',
          `SHA-256 of the reference's Python json.dumps(indent=2, sort_keys=True) form matches (${actual})`,
        ],
      }
    : {
        rule: PYTHON_RULE,
        result: [
          'fail',
          `embedded ${embedded} but the Python json.dumps(indent=2, sort_keys=True) form hashes to ${actual} (exact for JSON numbers, strings and keys; NaN/Infinity literals and a "__proto__" key are not reproduced)`,
        ],
      };
}

function fileCheck(parsed: Parsed, options: VerifyOptions): [CheckStatus, string] {
  if (options.sha256File === undefined) return ['skip', 'no .sha256 file given'];
  if (typeof options.sha256File !== 'string' && !(options.sha256File instanceof Uint8Array)) {
    return ['fail', 'the .sha256 file must be given as a string or bytes'];
  }
  const expected = parseSha256File(options.sha256File);
  const bytes =
    parsed.bytes ?? (parsed.text !== undefined ? new TextEncoder().encode(parsed.text) : undefined);
  if (!expected) return ['fail', '.sha256 file is not in sha256sum format'];
  if (!bytes)
    return ['fail', 'a .sha256 file was given but the contract was passed as an object, not its bytes'];
  const actual = sha256Hex(bytes);
  return actual === expected
    ? ['pass', `file SHA-256 ${actual} matches`]
    : ['fail', `file SHA-256 is ${actual}, .sha256 file says ${expected}`];
}

/**
 * Verifies a contract: its file bytes (Uint8Array), text (string) or parsed
 * object. Bytes or text are needed for the `.sha256` check and for the
 * reference's digest rule; an object is enough for contracts this package built.
 */
export function verify(contract: Uint8Array | string | object, options: VerifyOptions = {}): VerifyResult {
  try {
    return runChecks(contract, options);
  } catch (error) {
    // Not reached by any input we know of; if one is found, it fails closed instead of throwing.
    const results = new Map<CheckId, [CheckStatus, string]>();
    results.set('parse', [
      'fail',
      `verification could not complete: ${error instanceof Error ? error.message : String(error)}`,
    ]);
    for (const id of ORDER)
      if (id !== 'parse') results.set(id, ['skip', 'not run: verification could not complete']);
    return finish(results, {});
  }
}

function runChecks(contract: Uint8Array | string | object, options: VerifyOptions): VerifyResult {
  const results = new Map<CheckId, [CheckStatus, string]>();
  const parsed = parseInput(contract);
  if (parsed.error !== undefined || !isObj(parsed.value)) {
    results.set('parse', ['fail', parsed.error ?? 'contract is not a JSON object']);
    for (const id of ORDER)
      if (id !== 'parse') results.set(id, ['skip', 'not run: the contract did not parse']);
    // The file check needs only the bytes, so a broken file still says whether it is the one that was published.
    results.set('file_sha256', fileCheck(parsed, options));
    return finish(results, parsed);
  }
  const c = parsed.value;
  results.set('parse', [
    'pass',
    parsed.text === undefined ? 'parsed object given' : 'JSON object, no duplicate keys',
  ]);

  const stage = get(c, 'stage');
  results.set(
    'stage',
    stage === STAGE ? ['pass', `stage is ${STAGE}`] : ['fail', `stage is ${show(stage)}, expected ${STAGE}`],
  );

  const fcr = get(c, 'input_layer', 'policy', 'fail_closed_required');
  results.set(
    'policy.fail_closed_required',
    fcr === true
      ? ['pass', 'policy requires fail-closed']
      : ['fail', `input_layer.policy.fail_closed_required is ${show(fcr)}, must be true`],
  );

  const decision = get(c, 'decision_layer', 'decision');
  const validDecision = typeof decision === 'string' && DECISIONS.includes(decision);
  results.set(
    'decision',
    validDecision
      ? ['pass', `decision is ${decision}`]
      : ['fail', `decision_layer.decision is ${show(decision)}, must be accept|pending|reject`],
  );

  const fc = get(c, 'enforcement_layer', 'fail_closed');
  results.set(
    'enforcement.fail_closed',
    fc === true
      ? ['pass', 'enforcement is fail-closed']
      : ['fail', `enforcement_layer.fail_closed is ${show(fc)}, must be true`],
  );

  const status = get(c, 'exposure_layer', 'public_status');
  results.set(
    'public_status',
    validDecision && status === decision
      ? ['pass', `public_status equals the decision (${decision})`]
      : ['fail', `public_status is ${show(status)} but the decision is ${show(decision)}`],
  );

  results.set('file_sha256', fileCheck(parsed, options));

  const problems = schemaProblems(c);
  results.set(
    'schema',
    problems.length === 0
      ? ['pass', 'matches the contract JSON Schema']
      : ['fail', problems.slice(0, 8).join('; ')],
  );

  const version = get(c, 'spec_version');
  const validVersion = typeof version === 'string' && semver.valid(version) === version;
  if (!validVersion)
    results.set('spec_version', ['fail', `spec_version ${show(version)} is not a semver version`]);
  else
    results.set(
      'spec_version',
      semver.satisfies(version, SUPPORTED_RANGE)
        ? ['pass', `spec_version ${version} is within ${SUPPORTED_RANGE}`]
        : [
            'fail',
            `spec_version ${version} is outside ${SUPPORTED_RANGE}, the versions this verifier understands`,
          ],
    );

  if (options.pin === undefined) results.set('pin', ['skip', 'no pin given']);
  else if (typeof options.pin !== 'string' || semver.validRange(options.pin) === null)
    results.set('pin', ['fail', `pin ${JSON.stringify(options.pin)} is not a semver range`]);
  else if (!validVersion) results.set('pin', ['fail', 'spec_version is not a semver version']);
  else
    results.set(
      'pin',
      semver.satisfies(version, options.pin)
        ? ['pass', `spec_version ${version} satisfies ${options.pin}`]
        : ['fail', `spec_version ${version} is outside the pinned range ${options.pin}`],
    );

  const state = get(c, 'enforcement_layer', 'execution_state');
  const outputs = get(c, 'enforcement_layer', 'allowed_outputs');
  if (!validDecision)
    results.set('execution_state', ['fail', 'no valid decision to derive the execution state from']);
  else {
    const want = EXECUTION_STATE[decision as Decision];
    const permitted = ALLOWED_OUTPUTS[want];
    const extra = Array.isArray(outputs) ? outputs.filter((o) => !permitted.includes(o as string)) : null;
    if (state !== want)
      results.set('execution_state', [
        'fail',
        `execution_state is ${show(state)}, a ${decision} requires ${want}`,
      ]);
    else if (extra === null)
      results.set('execution_state', ['fail', 'enforcement_layer.allowed_outputs is not an array']);
    else if (extra.length > 0) {
      results.set('execution_state', [
        'fail',
        `${want} does not permit output(s) ${extra.map((o) => JSON.stringify(o)).join(', ')}`,
      ]);
    } else
      results.set('execution_state', [
        'pass',
        `${decision} -> ${want as ExecutionState}, outputs within what it permits`,
      ]);
  }

  const digest = digestCheck(c, parsed);
  results.set('contract_sha256', digest.result);
  try {
    results.set('signature', signatureCheck(c, options));
  } catch (error) {
    results.set('signature', ['fail', `signature check failed: ${(error as Error).message}`]);
  }
  return finish(results, parsed, digest.rule);
}

function finish(
  results: Map<CheckId, [CheckStatus, string]>,
  parsed: Parsed,
  rule?: VerifyResult['digestRule'],
): VerifyResult {
  const checks = ORDER.map((id) => {
    const [status, detail] = results.get(id) ?? ['fail', 'not run'];
    return { id, status, detail };
  });
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id);
  return {
    ok: failed.length === 0,
    checks,
    failed,
    ...(rule ? { digestRule: rule } : {}),
    ...(parsed.value !== undefined ? { contract: parsed.value } : {}),
  };
}
