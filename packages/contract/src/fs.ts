// File I/O for contracts (Node only; the root export stays runtime-neutral).
// Both files are written to temporary names and renamed into place, so a
// reader never sees a half-written file.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltContract } from './build.js';
import { ContractError } from './errors.js';
import { type VerifyOptions, type VerifyResult, verify } from './verify.js';

export interface WrittenContract {
  readonly contractPath: string;
  readonly sha256Path: string;
}

/** Writes `<dir>/<fileName>` and `<dir>/<fileName>.sha256`. */
export async function writeContract(built: BuiltContract, dir: string): Promise<WrittenContract> {
  const contractPath = join(dir, built.fileName);
  const sha256Path = `${contractPath}.sha256`;
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(contractPath + suffix, built.bytes);
    await writeFile(sha256Path + suffix, built.sha256File);
    // The .sha256 goes first: a crash between the renames leaves a hash that
    // does not match (verify fails) rather than a contract without its hash.
    await rename(sha256Path + suffix, sha256Path);
    await rename(contractPath + suffix, contractPath);
  } catch (error) {
    await rm(contractPath + suffix, { force: true });
    await rm(sha256Path + suffix, { force: true });
    throw new ContractError('IO_FAILED', `cannot write ${contractPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { contractPath, sha256Path };
}

/**
 * Reads a contract file and, when `sha256Path` is not given, the `.sha256`
 * file beside it if one exists, and verifies both.
 */
export async function verifyFile(
  path: string,
  options: VerifyOptions & { readonly sha256Path?: string } = {},
): Promise<VerifyResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ContractError('IO_FAILED', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { sha256Path, ...rest } = options;
  let sha256File = rest.sha256File;
  if (sha256File === undefined) {
    const candidate = sha256Path ?? `${path}.sha256`;
    try {
      sha256File = await readFile(candidate, 'utf8');
    } catch (error) {
      if (sha256Path !== undefined) {
        throw new ContractError('IO_FAILED', `cannot read ${sha256Path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }
  return verify(bytes, { ...rest, ...(sha256File !== undefined ? { sha256File } : {}) });
}
