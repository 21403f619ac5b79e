import { readFile } from 'node:fs/promises';
import { EvidenceError } from './errors.js';
import { parseJson } from './validate.js';

/** Reads and strictly parses a JSON file; an unreadable file is ARTIFACT_READ_FAILED, bad JSON MALFORMED_JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new EvidenceError('ARTIFACT_READ_FAILED', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  return parseJson(bytes);
}
