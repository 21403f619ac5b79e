import {
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TemporalError } from './errors.js';
import { encodeFrame, type JournalEntry, MAGIC, MAX_FRAME, scanJournal } from './journal-format.js';
import type { LeaseRecord } from './lease.js';
import type { StoreSnapshot, TemporalStore } from './store.js';

export interface FileJournalStoreOptions {
  /** Directory holding `journal.qsafp` and its lock. Created if absent. */
  readonly dir: string;
  /** Rewrite the journal as a snapshot when it exceeds this many bytes and twice the live records' size (default 64 MiB). */
  readonly compactAtBytes?: number;
}

interface Pending {
  readonly entry: JournalEntry;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Paths held open in this process: a second open of the same journal is refused like another process's. */
const openHere = new Set<string>();

const encoder = new TextEncoder();

/**
 * The embedded, crash-safe store: an append-only journal with group commit.
 * A write is acknowledged only after its frame is written and fsync()ed; a
 * torn last frame is cut off on recovery; damage anywhere else refuses to
 * open. After an fsync failure the store refuses all further writes (the
 * kernel may have dropped the dirty pages, so retrying could lie).
 */
export class FileJournalStore implements TemporalStore {
  readonly dir: string;
  readonly path: string;
  readonly #lockPath: string;
  readonly #compactAt: number;
  readonly #records = new Map<string, LeaseRecord>();
  /** Serialised size of each live record: what a compacted journal would hold. */
  readonly #recordBytes = new Map<string, number>();
  #liveBytes = 0;
  #highWater = 0;
  #handle: FileHandle | undefined;
  #size = 0;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #failed: unknown;
  #closed = false;
  #locked = false;

  constructor(options: FileJournalStoreOptions) {
    this.dir = options.dir;
    this.path = join(options.dir, 'journal.qsafp');
    this.#lockPath = join(options.dir, 'journal.lock');
    this.#compactAt = options.compactAtBytes ?? 64 * 1024 * 1024;
  }

  async load(): Promise<StoreSnapshot> {
    // One process owns the journal, so memory is already the truth once loaded.
    if (this.#handle) return { records: [...this.#records.values()], highWaterMs: this.#highWater };
    if (this.#closed) throw new TemporalError('STORE_UNAVAILABLE', 'store is closed');
    await mkdir(this.dir, { recursive: true });
    this.#lock();
    try {
      let image: Uint8Array;
      try {
        image = await readFile(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        image = new Uint8Array(0);
      }
      const { entries, validLength } = scanJournal(image);
      for (const entry of entries) this.#apply(entry);
      if (validLength < MAGIC.length) {
        await this.#rewrite();
      } else {
        this.#handle = await open(this.path, constants.O_RDWR);
        if (validLength < image.length) {
          // Cut the torn tail so the next frame does not follow garbage.
          await this.#handle.truncate(validLength);
          await this.#handle.sync();
        }
        this.#size = validLength;
      }
      return { records: [...this.#records.values()], highWaterMs: this.#highWater };
    } catch (error) {
      this.#unlock();
      if (error instanceof TemporalError) throw error;
      throw new TemporalError('STORE_UNAVAILABLE', `cannot open journal ${this.path}`, { cause: error });
    }
  }

  async get(systemId: string): Promise<LeaseRecord | undefined> {
    this.#assertUsable();
    return this.#records.get(systemId);
  }

  async insert(record: LeaseRecord): Promise<void> {
    this.#assertUsable();
    if (this.#records.has(record.systemId)) {
      throw new TemporalError('ALREADY_REGISTERED', `system ${record.systemId} is already registered`);
    }
    this.#records.set(record.systemId, record);
    this.#track(record);
    await this.#append({ put: record });
  }

  async update(
    systemId: string,
    change: (current: LeaseRecord) => LeaseRecord | undefined,
  ): Promise<LeaseRecord> {
    this.#assertUsable();
    const current = this.#records.get(systemId);
    if (!current) throw new TemporalError('UNKNOWN_SYSTEM', `no system ${systemId}`);
    // change() runs synchronously against the latest record, so updates of
    // one id are serialised by the event loop; the journal keeps their order.
    const next = change(current);
    if (next === undefined) return current;
    this.#records.set(systemId, next);
    this.#track(next);
    await this.#append({ put: next });
    return next;
  }

  async saveHighWater(ms: number): Promise<void> {
    this.#assertUsable();
    if (ms <= this.#highWater) return;
    this.#highWater = ms;
    await this.#append({ hwm: ms });
  }

  /** Rewrites the journal as one snapshot of the live records (atomic rename). */
  async compact(): Promise<void> {
    this.#assertUsable();
    await this.#exclusive(() => this.#rewrite());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing?.catch(() => {});
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
    this.#unlock();
  }

  #assertUsable(): void {
    if (this.#closed || !this.#handle) throw new TemporalError('STORE_UNAVAILABLE', 'store is not open');
    if (this.#failed)
      throw new TemporalError('STORE_UNAVAILABLE', 'an earlier write failed', { cause: this.#failed });
  }

  #apply(entry: JournalEntry): void {
    if ('hwm' in entry) {
      if (typeof entry.hwm === 'number' && entry.hwm > this.#highWater) this.#highWater = entry.hwm;
      return;
    }
    const record = entry.put as LeaseRecord;
    if (typeof record?.systemId !== 'string')
      throw new TemporalError('JOURNAL_CORRUPT', 'entry without a system id');
    this.#records.set(record.systemId, Object.freeze(record));
    this.#track(record);
  }

  #track(record: LeaseRecord): void {
    const bytes = JSON.stringify({ put: record }).length + 1;
    this.#liveBytes += bytes - (this.#recordBytes.get(record.systemId) ?? 0);
    this.#recordBytes.set(record.systemId, bytes);
  }

  #append(entry: JournalEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#flushing ??= this.#flushLoop();
    });
  }

  async #exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => {});
    this.#flushing = fn().finally(() => {
      this.#flushing = undefined;
      // Writes queued while the exclusive step ran still need their flush.
      if (this.#queue.length > 0 && !this.#failed) this.#flushing = this.#flushLoop();
    });
    await this.#flushing;
  }

  async #flushLoop(): Promise<void> {
    // Let every write issued in this tick join the same group commit.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#writeFrames(batch.map((p) => p.entry));
        } catch (error) {
          this.#failed ??= error;
          const failure = new TemporalError('STORE_UNAVAILABLE', 'journal write failed', { cause: error });
          for (const p of [...batch, ...this.#queue]) p.reject(failure);
          this.#queue = [];
          return;
        }
        for (const p of batch) p.resolve();
        // Compact only when most of the file is superseded records, so a large
        // live set does not trigger a rewrite after every write.
        if (this.#size > this.#compactAt && this.#size > 2 * this.#liveBytes) await this.#rewrite();
      }
    } finally {
      this.#flushing = undefined;
      if (this.#queue.length > 0 && !this.#failed) this.#flushing = this.#flushLoop();
    }
  }

  async #writeFrames(entries: readonly JournalEntry[]): Promise<void> {
    const handle = this.#handle;
    if (!handle) throw new TemporalError('STORE_UNAVAILABLE', 'store is not open');
    for (const frame of frames(entries)) {
      let offset = 0;
      while (offset < frame.length) {
        const { bytesWritten } = await handle.write(
          frame,
          offset,
          frame.length - offset,
          this.#size + offset,
        );
        offset += bytesWritten;
      }
      await handle.sync();
      this.#size += frame.length;
    }
  }

  /** Writes a snapshot to a temporary file, fsyncs it and renames it over the journal. */
  async #rewrite(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await rm(tmp, { force: true });
    const handle = await open(tmp, 'w');
    let size = MAGIC.length;
    try {
      await handle.write(MAGIC, 0, MAGIC.length, 0);
      const entries: JournalEntry[] = [...this.#records.values()].map((r) => ({ put: r }));
      if (this.#highWater > 0) entries.push({ hwm: this.#highWater });
      for (const frame of frames(entries)) {
        await handle.write(frame, 0, frame.length, size);
        size += frame.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
    syncDir(dirname(this.path));
    await this.#handle?.close();
    this.#handle = await open(this.path, constants.O_RDWR);
    this.#size = size;
  }

  #lock(): void {
    if (openHere.has(this.path))
      throw new TemporalError('STORE_LOCKED', `${this.path} is already open in this process`);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.#lockPath, 'wx');
        writeFileSync(fd, String(process.pid));
        fsyncSync(fd);
        closeSync(fd);
        openHere.add(this.path);
        this.#locked = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const seen = readIfExists(this.#lockPath);
      if (seen === undefined) continue;
      const pid = Number(seen);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new TemporalError('STORE_LOCKED', `${this.path} is locked by process ${pid}`);
      }
      // The holder died (kill -9). Move its lock aside with one atomic rename:
      // of several processes doing this at once, only one moves any given file.
      const aside = `${this.#lockPath}.stale-${process.pid}-${Date.now()}`;
      try {
        renameSync(this.#lockPath, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (readIfExists(aside) !== seen) {
        // Between our read and our rename another process took over the stale
        // lock and wrote its own: that one is live. Put it back and give up.
        try {
          linkSync(aside, this.#lockPath);
        } catch {
          // Someone else holds the lock path now; either way it is not ours.
        }
        rmLock(aside);
        throw new TemporalError('STORE_LOCKED', `${this.path} was just locked by another process`);
      }
      rmLock(aside);
    }
    throw new TemporalError('STORE_LOCKED', `cannot lock ${this.path}`);
  }

  #unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    openHere.delete(this.path);
    rmLock(this.#lockPath);
  }
}

function* frames(entries: readonly JournalEntry[]): Generator<Uint8Array> {
  let chunk: string[] = [];
  let bytes = 2;
  for (const entry of entries) {
    const json = JSON.stringify(entry);
    const size = encoder.encode(json).length + 1;
    if (size + 2 > MAX_FRAME)
      throw new TemporalError('INVALID_ARGUMENT', 'record is too large for the journal');
    if (bytes + size > MAX_FRAME && chunk.length > 0) {
      yield encodeFrame(encoder.encode(`[${chunk.join(',')}]`));
      chunk = [];
      bytes = 2;
    }
    chunk.push(json);
    bytes += size;
  }
  if (chunk.length > 0) yield encodeFrame(encoder.encode(`[${chunk.join(',')}]`));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function rmLock(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function syncDir(dir: string): void {
  // A rename is durable only once the directory is fsync()ed.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
