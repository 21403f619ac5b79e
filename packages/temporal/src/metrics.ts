import { Counter, Gauge, Registry } from 'prom-client';
import type { TemporalEngine } from './engine.js';
import { LEASE_STATES } from './lease.js';

export interface TemporalMetrics {
  /** The registry holding these metrics (yours if you passed one). */
  readonly registry: Registry;
  /** Prometheus text exposition format. */
  text(): Promise<string>;
  /** Stops listening to the engine. */
  close(): void;
}

/**
 * Prometheus metrics for one engine, in a Registry of their own (never
 * prom-client's global one): lease counts per state, computed at scrape
 * time, and counters of lease events.
 */
export function createMetrics(
  engine: TemporalEngine,
  options: { readonly registry?: Registry } = {},
): TemporalMetrics {
  const registry = options.registry ?? new Registry();
  new Gauge({
    name: 'qsafp_leases',
    help: 'Registered systems by lease state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = engine.counts();
      for (const state of LEASE_STATES) this.set({ state }, counts[state]);
    },
  });
  const events = new Counter({
    name: 'qsafp_lease_events_total',
    help: 'Lease events: registered, renewed, renewal-initiated, shutdown, and observed warning/grace/expired transitions',
    labelNames: ['event'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'qsafp_background_errors_total',
    help: 'Failed background writes (sticky expiry, high-water checkpoints)',
    registers: [registry],
  });
  const unsubscribe = engine.on((event) => {
    if (event.type === 'error') errors.inc();
    else events.inc({ event: event.type });
  });
  return {
    registry,
    text: () => registry.metrics(),
    close: unsubscribe,
  };
}
