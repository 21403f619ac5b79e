import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { TemporalEngine } from '../src/engine.js';
import { createMetrics } from '../src/metrics.js';
import { approverKeys, SHORT } from './helpers.js';

describe('Prometheus metrics', () => {
  it('exposes lease counts per state and lease events in the text format', async () => {
    const clock = new ManualClock();
    const engine = await TemporalEngine.open({ clock, checkpointIntervalMs: 0 });
    const registry = new Registry();
    const metrics = createMetrics(engine, { registry });
    const approvers = { threshold: 1, publicKeys: [approverKeys()[0].publicKey] };
    const first = await engine.register({ policy: SHORT, approvers });
    await engine.register({ policy: { ...SHORT, initial_period: 600 }, approvers });
    const third = await engine.register({ policy: SHORT, approvers });
    await engine.shutdown(third.systemId);
    clock.advance(45_000);
    engine.status(first.systemId);
    const text = await metrics.text();
    expect(text).toContain('# TYPE qsafp_leases gauge');
    expect(text).toContain('qsafp_leases{state="active"} 1');
    expect(text).toContain('qsafp_leases{state="warning"} 1');
    expect(text).toContain('qsafp_leases{state="shutdown"} 1');
    expect(text).toContain('qsafp_leases{state="expired"} 0');
    expect(text).toContain('qsafp_lease_events_total{event="registered"} 3');
    expect(text).toContain('qsafp_lease_events_total{event="warning"} 1');
    expect(metrics.registry).toBe(registry);
    metrics.close();
    await engine.close();
  });
});
