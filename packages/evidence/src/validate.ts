import type { ErrorObject } from 'ajv/dist/2020.js';
import type { EvidenceBundle, JobRecord } from './bundle.js';
import { EvidenceError } from './errors.js';
// ajv's standalone code for the published schemas (schema/*.json, written from
// bundle-schema.ts and keys.ts): nothing is compiled at run time, so this runs
// under a CSP without 'unsafe-eval'. `pnpm generate:validators` rewrites it; a test fails when it is stale.
import { bundle as validateBundle, job as validateJob } from './generated/validators.js';

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

function timestamps(value: { timeline: object; signature?: { signed_at: string } }): string[] {
  const problems: string[] = [];
  const all = Object.entries(value.timeline) as [string, string][];
  if (value.signature) all.push(['signature.signed_at', value.signature.signed_at]);
  for (const [k, v] of all) if (Number.isNaN(Date.parse(v))) problems.push(`${k} is not a real instant`);
  return problems;
}

function uniqueNames(artifacts: readonly { name: string }[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const a of artifacts) {
    if (seen.has(a.name)) problems.push(`artifact name "${a.name}" appears twice`);
    seen.add(a.name);
  }
  return problems;
}

/** Schema errors of a candidate bundle, plus the rules a schema cannot say (real instants, unique names). */
export function bundleProblems(value: unknown): string[] {
  if (!validateBundle(value)) return describe(validateBundle.errors);
  const b = value as unknown as EvidenceBundle;
  return [...timestamps(b), ...uniqueNames(b.artifacts)];
}

export function isBundle(value: unknown): value is EvidenceBundle {
  return bundleProblems(value).length === 0;
}

export function assertBundle(value: unknown): asserts value is EvidenceBundle {
  const problems = bundleProblems(value);
  if (problems.length > 0) throw new EvidenceError('INVALID_BUNDLE', problems.join('; '));
}

export function assertJob(value: unknown): asserts value is JobRecord {
  if (!validateJob(value)) throw new EvidenceError('INVALID_BUNDLE', describe(validateJob.errors).join('; '));
  const problems = timestamps(value as unknown as JobRecord);
  if (problems.length > 0) throw new EvidenceError('INVALID_BUNDLE', problems.join('; '));
}

/** JSON.parse that reports MALFORMED_JSON instead of a SyntaxError. */
export function parseJson(input: string | Uint8Array): unknown {
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch (cause) {
    throw new EvidenceError('MALFORMED_JSON', 'input is not valid UTF-8', { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new EvidenceError('MALFORMED_JSON', (cause as Error).message, { cause });
  }
}
