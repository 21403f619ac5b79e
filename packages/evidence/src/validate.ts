import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { EvidenceBundle, JobRecord } from './bundle.js';
import { bundleSchema, jobSchema } from './bundle-schema.js';
import { EvidenceError } from './errors.js';

let compiled: { bundle: ValidateFunction; job: ValidateFunction } | undefined;

function validators() {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: false });
    compiled = { bundle: ajv.compile(bundleSchema), job: ajv.compile(jobSchema) };
  }
  return compiled;
}

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
  const { bundle } = validators();
  if (!bundle(value)) return describe(bundle.errors);
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
  const { job } = validators();
  if (!job(value)) throw new EvidenceError('INVALID_BUNDLE', describe(job.errors).join('; '));
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
