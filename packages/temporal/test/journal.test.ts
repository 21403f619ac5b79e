import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemporalError } from '../src/errors.js';
import { FileJournalStore } from '../src/file-store.js';
import { encodeFrame, MAGIC, scanJournal } from '../src/journal-format.js';
import { sampleRecord } from './helpers.js';

const journalOf = (dir: string) => join(dir, 'journal.qsafp');

/**
 * Offsets inside the last frame to tear or damage: every byte of the header
 * and of the payload's first and last 64 bytes (where framing decisions are
 * made), plus a stride through the rest. Every offset would take ~10 s per
 * test, since one record is ~8 KiB.
 */
function offsets(from: number, to: number): number[] {
  const out = new Set<number>();
  for (let i = from; i < Math.min(to, from + 12 + 64); i++) out.add(i);
  for (let i = Math.max(from, to - 64); i < to; i++) out.add(i);
  for (let i = from; i < to; i += 97) out.add(i);
  return [...out].sort((a, b) => a - b);
}

async function buildJournal(updates: number) {
  const dir = mkdtempSync(join(tmpdir(), 'qsafp-journal-'));
  const store = new FileJournalStore({ dir });
  await store.load();
  const r = sampleRecord();
  await store.insert(r);
  const images: Uint8Array[] = [readFileSync(journalOf(dir))];
  for (let i = 0; i < updates; i++) {
    await store.update(r.systemId, (c) => ({ ...c, sequence: c.sequence + 1, updatedAt: c.updatedAt + 1 }));
    images.push(readFileSync(journalOf(dir)));
  }
  await store.close();
  return { dir, systemId: r.systemId, images };
}

async function recoveredSequence(dir: string, systemId: string): Promise<number | undefined> {
  const store = new FileJournalStore({ dir });
  try {
    const snap = await store.load();
    return snap.records.find((r) => r.systemId === systemId)?.sequence;
  } finally {
    await store.close();
  }
}

describe('file journal: torn writes', () => {
  it('recovers the state before the last write when it is cut anywhere in it', async () => {
    const { dir, systemId, images } = await buildJournal(3);
    const before = images[2]!;
    const after = images[3]!;
    expect(after.length).toBeGreaterThan(before.length);
    for (const cut of offsets(before.length, after.length)) {
      writeFileSync(journalOf(dir), after.subarray(0, cut));
      expect(await recoveredSequence(dir, systemId)).toBe(3);
      // Recovery cut the tail: the file is the valid prefix again and appends continue cleanly.
      expect(readFileSync(journalOf(dir)).length).toBe(before.length);
    }
    writeFileSync(journalOf(dir), after);
    expect(await recoveredSequence(dir, systemId)).toBe(4);
  });

  it('appends after recovering from a torn tail, and keeps them', async () => {
    const { dir, systemId, images } = await buildJournal(2);
    const last = images[2]!;
    writeFileSync(journalOf(dir), last.subarray(0, last.length - 5));
    const store = new FileJournalStore({ dir });
    await store.load();
    await store.update(systemId, (c) => ({ ...c, sequence: 50, updatedAt: c.updatedAt + 1 }));
    await store.close();
    expect(await recoveredSequence(dir, systemId)).toBe(50);
  });

  it('a torn tail left as zeros (a preallocated extent) is cut too', async () => {
    const { dir, systemId, images } = await buildJournal(2);
    const before = images[1]!;
    const after = images[2]!;
    const zeroed = new Uint8Array(after);
    zeroed.fill(0, before.length + 20);
    writeFileSync(journalOf(dir), zeroed);
    expect(await recoveredSequence(dir, systemId)).toBe(2);
  });

  it('any single damaged byte in the last frame: the previous state or JOURNAL_CORRUPT, never garbage', async () => {
    const { dir, systemId, images } = await buildJournal(2);
    const before = images[1]!;
    const after = images[2]!;
    for (const at of offsets(before.length, after.length)) {
      const damaged = new Uint8Array(after);
      damaged[at] = (damaged[at] ?? 0) ^ 0x5a;
      writeFileSync(journalOf(dir), damaged);
      try {
        expect(await recoveredSequence(dir, systemId)).toBe(2);
      } catch (error) {
        expect(isTemporalError(error, 'JOURNAL_CORRUPT')).toBe(true);
      }
    }
  });

  it('damage to an earlier (acknowledged) frame refuses to open with JOURNAL_CORRUPT', async () => {
    const { dir, images } = await buildJournal(3);
    const full = images[3]!;
    const firstFrameEnd = images[0]!.length;
    for (const at of [MAGIC.length + 1, MAGIC.length + 9, MAGIC.length + 20, firstFrameEnd - 1]) {
      const damaged = new Uint8Array(full);
      damaged[at] = (damaged[at] ?? 0) ^ 0x01;
      writeFileSync(journalOf(dir), damaged);
      await expect(recoveredSequence(dir, 'x')).rejects.toSatisfy((e) =>
        isTemporalError(e, 'JOURNAL_CORRUPT'),
      );
      // Refusing to open must not have modified the file.
      expect(readFileSync(journalOf(dir))).toEqual(Buffer.from(damaged));
    }
  });

  it('scanJournal never throws anything but JOURNAL_CORRUPT on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, withMagic) => {
        const image = withMagic ? new Uint8Array([...MAGIC, ...tail]) : tail;
        try {
          const { validLength } = scanJournal(image);
          expect(validLength).toBeLessThanOrEqual(image.length);
        } catch (error) {
          expect(isTemporalError(error, 'JOURNAL_CORRUPT')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a CRC-valid frame that is not a JSON array is corruption, not a tail', () => {
    const image = new Uint8Array([...MAGIC, ...encodeFrame(new TextEncoder().encode('{"put":1}'))]);
    expect(() => scanJournal(image)).toThrow(expect.objectContaining({ code: 'JOURNAL_CORRUPT' }));
  });

  it('refuses a second open of the same journal with STORE_LOCKED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-lock-'));
    const a = new FileJournalStore({ dir });
    await a.load();
    await expect(new FileJournalStore({ dir }).load()).rejects.toSatisfy((e) =>
      isTemporalError(e, 'STORE_LOCKED'),
    );
    await a.close();
    const b = new FileJournalStore({ dir });
    await b.load();
    await b.close();
  });

  it('takes over a lock left by a dead process, never one held by a live one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-lock-'));
    const lock = join(dir, 'journal.lock');
    // A live process that is not us: our parent.
    writeFileSync(lock, String(process.ppid));
    await expect(new FileJournalStore({ dir }).load()).rejects.toSatisfy((e) =>
      isTemporalError(e, 'STORE_LOCKED'),
    );
    expect(readFileSync(lock, 'utf8')).toBe(String(process.ppid));
    // A process that has exited (kill -9 leaves exactly this behind).
    const dead = spawn(process.execPath, ['-e', '0']);
    const pid = dead.pid as number;
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(lock, String(pid));
    const store = new FileJournalStore({ dir });
    await store.load();
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    await store.close();
    expect(() => readFileSync(lock)).toThrow();
  });

  it('compaction keeps every record and the high-water mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-compact-'));
    const store = new FileJournalStore({ dir, compactAtBytes: 4096 });
    await store.load();
    const r = sampleRecord();
    await store.insert(r);
    // One record is ~8 KiB (three ML-DSA-65 approver keys), so 41 writes
    // would be ~340 KiB without compaction.
    const oneRecord = readFileSync(journalOf(dir)).length;
    for (let i = 0; i < 40; i++) {
      await store.update(r.systemId, (c) => ({ ...c, sequence: c.sequence + 1, updatedAt: c.updatedAt + 1 }));
    }
    await store.saveHighWater(777);
    await store.close();
    // Compaction fires once the file passes twice the live size, so it never holds more than ~3 copies.
    expect(readFileSync(journalOf(dir)).length).toBeLessThan(3 * oneRecord + 64);
    const again = new FileJournalStore({ dir });
    const snap = await again.load();
    expect(snap.records[0]?.sequence).toBe(41);
    expect(snap.highWaterMs).toBe(777);
    await again.close();
  });
});

describe('file journal: kill -9', () => {
  it('a writer SIGKILLed mid-stream loses nothing it acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-kill-'));
    const seed = new FileJournalStore({ dir });
    await seed.load();
    const r = sampleRecord();
    await seed.insert(r);
    await seed.close();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./fixtures/journal-writer.ts', import.meta.url)),
        dir,
        r.systemId,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let acked = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) acked = Math.max(acked, Number(line.split(' ')[1]));
        // Kill at a random moment after a fair number of acknowledged writes.
        if (acked >= 40 + Math.floor(Math.random() * 40)) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited: ${stderr}`)),
      );
    });
    expect(acked).toBeGreaterThanOrEqual(40);
    const sequence = await recoveredSequence(dir, r.systemId);
    expect(sequence).toBeGreaterThanOrEqual(acked);
  }, 60_000);
});
