import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hash } from '@qsp/crypto-suite';
import { auto } from '@qsp/crypto-suite/node';
import { bytesToHex, formatDigest, parseDigest } from '../encoding.js';
import { EvidenceError } from '../errors.js';
import { type ArtifactSource, chunks } from '../source.js';
import type { BlobStore, StoredBlob } from './blob-store.js';

/**
 * Blobs as files under `root/sha256/<2 hex>/<64 hex>`. A write goes to a
 * temporary file, is fsynced and then renamed into place, so a crash never
 * leaves a partial blob under a content address.
 */
export function fsBlobStore(root: string, hash: Hash = auto.hash('SHA-256')): BlobStore {
  const pathOf = (hex: string) => join(root, 'sha256', hex.slice(0, 2), hex);
  return {
    async put(source: ArtifactSource): Promise<StoredBlob> {
      const tmpDir = join(root, 'tmp');
      await mkdir(tmpDir, { recursive: true });
      const tmp = join(tmpDir, `${Date.now()}-${bytesToHex(crypto.getRandomValues(new Uint8Array(8)))}`);
      const state = hash.create();
      let size = 0;
      const out = createWriteStream(tmp, { flags: 'wx' });
      const failed = new Promise<never>((_, reject) => out.once('error', reject));
      failed.catch(() => {});
      try {
        for await (const chunk of chunks(source)) {
          state.update(chunk);
          size += chunk.length;
          if (!out.write(chunk))
            await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
        }
        await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
        const fh = await open(tmp, 'r');
        await fh.sync();
        await fh.close();
        const hex = bytesToHex(state.digest());
        const final = pathOf(hex);
        await mkdir(join(root, 'sha256', hex.slice(0, 2)), { recursive: true });
        await rename(tmp, final);
        return { hash: `sha256:${hex}`, sizeBytes: size, uri: pathToFileURL(final).href };
      } catch (cause) {
        out.destroy();
        await rm(tmp, { force: true });
        throw new EvidenceError('ARTIFACT_READ_FAILED', `storing blob: ${(cause as Error).message}`, {
          cause,
        });
      }
    },
    async get(h: string) {
      const path = pathOf(bytesToHex(parseDigest(h)));
      try {
        await stat(path);
      } catch {
        return undefined;
      }
      return () => createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
    },
    async has(h: string) {
      try {
        return (await stat(pathOf(bytesToHex(parseDigest(h))))).isFile();
      } catch {
        return false;
      }
    },
  };
}

/** Blobs in memory: for tests and short-lived tools. */
export function memoryBlobStore(hash: Hash = auto.hash('SHA-256')): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  return {
    async put(source) {
      const parts: Uint8Array[] = [];
      for await (const c of chunks(source)) parts.push(c.slice());
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      const h = formatDigest(hash.digest(bytes));
      blobs.set(h, bytes);
      return { hash: h, sizeBytes: bytes.length, uri: `memory:${h}` };
    },
    async get(h) {
      return blobs.get(h);
    },
    async has(h) {
      return blobs.has(h);
    },
  };
}
