// Node-only entry: files, directories and node:http. The root entry stays browser-safe.
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Hash } from '@qsp/crypto-suite';
import { auto } from '@qsp/crypto-suite/node';
import type { JobRecord } from './bundle.js';
import { EvidenceError } from './errors.js';
import { KeyRegistry } from './keys.js';
import { type ArtifactInput, type PackOptions, type PackResult, pack } from './pack.js';
import type { Signer } from './signer.js';
import type { ArtifactSource } from './source.js';
import { type ArtifactResolver, type VerificationReport, type VerifyOptions, verify } from './verify.js';

/** SHA-256 from node:crypto (through crypto-suite's auto engine): the fast path for large files. */
export function nodeSha256(): Hash {
  return auto.hash('SHA-256');
}

const CHUNK = 1 << 20;

/** A file as an artifact source: read in 1 MiB chunks each time it is consumed. */
export function fileSource(path: string): ArtifactSource {
  return () => createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>;
}

const TYPES: Record<string, string> = {
  qasm: 'application/qasm',
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  py: 'text/x-python',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  gz: 'application/gzip',
  zip: 'application/zip',
  h5: 'application/x-hdf5',
  npz: 'application/octet-stream',
  png: 'image/png',
  pdf: 'application/pdf',
};

/** A content type from the file extension (application/octet-stream when unknown). */
export function contentTypeOf(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return TYPES[ext] ?? 'application/octet-stream';
}

export interface FileArtifact {
  readonly path: string;
  /** Defaults to the file's base name. */
  readonly name?: string;
  readonly content_type?: string;
}

/** pack over files on disk, hashed with node:crypto SHA-256 unless `options.hash` says otherwise. */
export function packFiles(
  job: JobRecord,
  files: readonly FileArtifact[],
  signer: Signer,
  options: PackOptions = {},
): Promise<PackResult> {
  const inputs: ArtifactInput[] = files.map((f) => {
    const name = f.name ?? basename(f.path);
    return { name, content_type: f.content_type ?? contentTypeOf(name), source: fileSource(f.path) };
  });
  return pack(job, inputs, signer, { hash: nodeSha256(), ...options });
}

/** Finds artifacts as regular files named after their `name` inside `dir`. */
export function directoryArtifacts(dir: string): ArtifactResolver {
  return async (artifact) => {
    // Names are plain file names (the schema refuses separators and dot names); check again before touching disk.
    if (artifact.name !== basename(artifact.name) || artifact.name === '.' || artifact.name === '..')
      return undefined;
    const path = join(dir, artifact.name);
    try {
      if (!(await stat(path)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return fileSource(path);
  };
}

/** Bundle files larger than this are refused before reading (a bundle is metadata, not data). */
export const MAX_BUNDLE_FILE_BYTES = 64 * 1024 * 1024;

export interface VerifyFileOptions extends Omit<VerifyOptions, 'artifacts'> {
  /** A directory holding the artifacts by name. */
  readonly artifactsDir?: string;
}

/** Verifies a bundle file (and its artifacts from a directory) with node:crypto hashing. */
export async function verifyFile(path: string, options: VerifyFileOptions): Promise<VerificationReport> {
  const info = await stat(path).catch((cause) => {
    throw new EvidenceError('ARTIFACT_READ_FAILED', `cannot read bundle ${path}`, { cause });
  });
  if (info.size > MAX_BUNDLE_FILE_BYTES) {
    throw new EvidenceError(
      'INVALID_BUNDLE',
      `bundle file is ${info.size} bytes, above ${MAX_BUNDLE_FILE_BYTES}`,
    );
  }
  const bytes = new Uint8Array(await readFile(path));
  const { artifactsDir, ...rest } = options;
  return verify(bytes, {
    hash: nodeSha256(),
    ...rest,
    ...(artifactsDir === undefined ? {} : { artifacts: directoryArtifacts(artifactsDir) }),
  });
}

export async function readKeyRegistry(path: string): Promise<KeyRegistry> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new EvidenceError('INVALID_KEY_REGISTRY', `cannot read ${path}`, { cause });
  }
  return KeyRegistry.parse(bytes);
}

export async function writeKeyRegistry(path: string, registry: KeyRegistry): Promise<void> {
  await writeFile(path, `${JSON.stringify(registry.toJSON(), null, 2)}\n`);
}

/** A fetch-style handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Adapts a fetch-style handler to node:http's (req, res) listener. */
export function toNodeListener(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const host = req.headers.host ?? 'localhost';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      else if (v !== undefined) headers.set(k, v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
    if (hasBody) {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    const send = async () => {
      let response: Response;
      try {
        response = await handler(new Request(url, init));
      } catch {
        response = new Response(JSON.stringify({ error: 'internal_error' }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      res.statusCode = response.status;
      response.headers.forEach((v, k) => {
        res.setHeader(k, v);
      });
      if (!response.body) {
        res.end();
        return;
      }
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('error', () => res.destroy());
      body.pipe(res);
    };
    void send();
  };
}

export { readSignerFile, writeSignerFile } from './signer-file.js';
