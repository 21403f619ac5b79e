import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { TemporalEngine } from '../src/engine.js';
import { isTemporalError } from '../src/errors.js';
import { PgStore } from '../src/pg-store.js';
import { approveRenewal } from '../src/renewal.js';
import { approverKeys, SHORT } from './helpers.js';

const pgUrl = process.env.QSP_PG_URL;
if (!pgUrl)
  console.warn('skipped: QSP_PG_URL is not set, so the multi-node PostgreSQL engine tests do not run');
const schema = `qsafp_nodes_${Math.random().toString(36).slice(2, 10)}`;

afterAll(async () => {
  if (!pgUrl) return;
  const admin = new PgStore({ connectionString: pgUrl, schema });
  await admin.dropSchema();
  await admin.close();
});

describe.skipIf(!pgUrl)('two engine nodes on one PostgreSQL store', () => {
  it('concurrent renewals of one lease are serialised by the row lock: exactly one wins', async () => {
    const keys = approverKeys();
    const clock = new ManualClock();
    const node = () =>
      TemporalEngine.open({
        clock,
        store: new PgStore({ connectionString: pgUrl ?? '', schema }),
        checkpointIntervalMs: 0,
      });
    const [a, b] = [await node(), await node()];
    try {
      const { systemId: id } = await a.register({
        policy: SHORT,
        approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
      });
      await b.sync(id);
      clock.advance(30_000);
      const token = await a.initiateRenewal(id);
      await b.sync(id);
      const approvals = [approveRenewal(token, keys[0]), approveRenewal(token, keys[1])];
      const results = await Promise.allSettled([
        a.renew(id, approvals),
        b.renew(id, approvals),
        a.renew(id, approvals),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(isTemporalError(r.reason, 'NO_PENDING_RENEWAL')).toBe(true);
      }
      // A shutdown on one node reaches the other's guards on sync.
      await a.shutdown(id);
      expect(b.check(id)).not.toBe('shutdown');
      await b.sync();
      expect(() => b.check(id)).toThrow(expect.objectContaining({ code: 'SHUT_DOWN' }));
      // Shutdown is final on every node.
      await expect(b.initiateRenewal(id)).rejects.toSatisfy((e) => isTemporalError(e, 'SHUT_DOWN'));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
