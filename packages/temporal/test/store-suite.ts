import { describe, expect, it } from 'vitest';
import { isTemporalError } from '../src/errors.js';
import type { TemporalStore } from '../src/store.js';
import { sampleRecord } from './helpers.js';

export interface StoreHarness {
  /** A fresh, empty store. */
  create(): Promise<TemporalStore>;
  /** A second handle on the same data (a restart, or another node); the first may be closed first. */
  reopen(): Promise<TemporalStore>;
  /** Whether two handles may be open at once (true for a shared database). */
  readonly concurrentHandles: boolean;
}

/**
 * The one compliance suite every TemporalStore passes (libp2p's
 * interface-compliance-tests shape): memory, file journal, PostgreSQL.
 */
export function storeCompliance(name: string, harness: () => StoreHarness, durable: boolean): void {
  describe(`TemporalStore compliance: ${name}`, () => {
    it('starts empty, inserts, reads back', async () => {
      const store = await harness().create();
      const snap = await store.load();
      expect(snap.records).toEqual([]);
      const r = sampleRecord();
      await store.insert(r);
      expect(await store.get(r.systemId)).toEqual(r);
      expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      await store.close();
    });

    it('refuses a duplicate insert with ALREADY_REGISTERED and keeps the first', async () => {
      const store = await harness().create();
      await store.load();
      const r = sampleRecord();
      await store.insert(r);
      const other = { ...sampleRecord(r.registeredAt + 5, r.systemId) };
      await expect(store.insert(other)).rejects.toSatisfy((e) => isTemporalError(e, 'ALREADY_REGISTERED'));
      expect((await store.get(r.systemId))?.registeredAt).toBe(r.registeredAt);
      await store.close();
    });

    it('update applies a change, skips a no-op, and writes nothing when the change throws', async () => {
      const store = await harness().create();
      await store.load();
      const r = sampleRecord();
      await store.insert(r);
      const next = await store.update(r.systemId, (c) => ({
        ...c,
        sequence: c.sequence + 1,
        updatedAt: c.updatedAt + 1,
      }));
      expect(next.sequence).toBe(2);
      expect(await store.update(r.systemId, () => undefined)).toEqual(next);
      await expect(
        store.update(r.systemId, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.get(r.systemId))?.sequence).toBe(2);
      await expect(store.update('00000000-0000-4000-8000-000000000000', (c) => c)).rejects.toSatisfy((e) =>
        isTemporalError(e, 'UNKNOWN_SYSTEM'),
      );
      await store.close();
    });

    it('serialises concurrent updates of one id: no lost update', async () => {
      const h = harness();
      const store = await h.create();
      await store.load();
      const r = sampleRecord();
      await store.insert(r);
      const second = h.concurrentHandles ? await h.reopen() : store;
      if (second !== store) await second.load();
      const bump = (s: TemporalStore) =>
        s.update(r.systemId, (c) => ({ ...c, sequence: c.sequence + 1, updatedAt: c.updatedAt + 1 }));
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? second : store)));
      expect((await store.get(r.systemId))?.sequence).toBe(21);
      if (second !== store) await second.close();
      await store.close();
    });

    it('high-water mark only rises', async () => {
      const h = harness();
      const store = await h.create();
      expect((await store.load()).highWaterMs).toBe(0);
      await store.saveHighWater(1000);
      await store.saveHighWater(500);
      await store.close();
      if (!durable) return;
      const again = await h.reopen();
      expect((await again.load()).highWaterMs).toBe(1000);
      await again.close();
    });

    it.runIf(durable)('everything acknowledged survives a reopen', async () => {
      const h = harness();
      const store = await h.create();
      await store.load();
      const records = Array.from({ length: 50 }, (_, i) => sampleRecord(Date.UTC(2030, 0, 1) + i));
      await Promise.all(records.map((r) => store.insert(r)));
      const first = records[0]!;
      await store.update(first.systemId, (c) => ({ ...c, sequence: 9, updatedAt: c.updatedAt + 1 }));
      await store.saveHighWater(123_456);
      await store.close();
      const again = await h.reopen();
      const snap = await again.load();
      expect(snap.records).toHaveLength(50);
      expect(snap.records.find((r) => r.systemId === first.systemId)?.sequence).toBe(9);
      expect(snap.highWaterMs).toBe(123_456);
      await again.close();
    });

    it('refuses use after close with STORE_UNAVAILABLE', async () => {
      const store = await harness().create();
      await store.load();
      await store.close();
      await expect(store.insert(sampleRecord())).rejects.toSatisfy((e) =>
        isTemporalError(e, 'STORE_UNAVAILABLE'),
      );
    });
  });
}
