/**
 * Time sources. The engine never reads Date.now() directly: it asks an
 * EffectiveClock, which combines the wall clock (to agree with the RFC 3339
 * times in messages) and a monotonic clock (so elapsed time is real), and
 * which starts from a persisted high-water mark after a restart.
 */
export interface ClockSource {
  /** Milliseconds since the Unix epoch; may jump in either direction. */
  wallMs(): number;
  /** Milliseconds from an arbitrary origin; never decreases within one process. */
  monotonicMs(): number;
}

export const systemClock: ClockSource = Object.freeze({
  wallMs: () => Date.now(),
  monotonicMs: () => performance.now(),
});

/**
 * A clock that only moves when told to, for tests and simulations. `advance`
 * is real time passing (both clocks move); `jumpWall` is someone setting the
 * wall clock; `restart` models a new process, whose monotonic origin differs.
 */
export class ManualClock implements ClockSource {
  #wall: number;
  #mono: number;

  constructor(wallMs = Date.UTC(2030, 0, 1), monotonicMs = 1_000) {
    this.#wall = wallMs;
    this.#mono = monotonicMs;
  }

  wallMs(): number {
    return this.#wall;
  }

  monotonicMs(): number {
    return this.#mono;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance takes a non-negative duration');
    this.#wall += ms;
    this.#mono += ms;
  }

  jumpWall(deltaMs: number): void {
    this.#wall += deltaMs;
  }

  /** A new process: its monotonic clock starts again from `monotonicMs`. */
  restart(monotonicMs = 1_000): void {
    this.#mono = monotonicMs;
  }
}

/**
 * Effective time: never runs backwards, never runs slower than the monotonic
 * clock, and follows the wall clock only when the wall clock is ahead. So
 * setting the wall clock back cannot extend a lease, and setting it forward
 * can only shorten one (fail closed). A restart resumes from the persisted
 * high-water mark when the wall clock is behind it.
 */
export class EffectiveClock {
  readonly source: ClockSource;
  #base: number;
  #monoBase: number;
  #last: number;
  /** Monotonic reading at the last look at the wall clock. */
  #wallSeenAt: number;
  readonly #wallEveryMs: number;
  /** The guard reads this clock on every call: skip one indirection for the common case. */
  readonly #systemSource: boolean;
  #lastMono: number;

  /**
   * @param highWaterMs persisted high-water mark: effective time starts no lower.
   * @param wallEveryMs how much monotonic time may pass between looks at the
   *   wall clock (default 1 ms). Between looks only the monotonic clock is
   *   read: one clock read per guarded call instead of two. A wall clock set
   *   forward is therefore followed at most this late; that direction only
   *   ever shortens leases, so nothing is extended by it.
   */
  constructor(source: ClockSource = systemClock, highWaterMs = 0, wallEveryMs = 1) {
    this.source = source;
    const wall = source.wallMs();
    this.#base = Math.max(Math.floor(highWaterMs), Math.floor(wall));
    this.#monoBase = source.monotonicMs();
    this.#wallSeenAt = this.#monoBase;
    this.#lastMono = this.#monoBase;
    this.#wallEveryMs = wallEveryMs;
    this.#systemSource = source === systemClock;
    this.#last = this.#base;
  }

  /** The source's monotonic reading (what effective time advances with between looks at the wall clock). */
  monotonicMs(): number {
    return this.#systemSource ? performance.now() : this.source.monotonicMs();
  }

  /**
   * Milliseconds of monotonic time until `now()` next looks at the wall
   * clock, as of the last `now()`. Until then effective time advances
   * exactly with the monotonic clock.
   */
  wallLookDueMs(): number {
    return this.#wallEveryMs - (this.#lastMono - this.#wallSeenAt);
  }

  /** Effective time in integer epoch milliseconds. */
  now(): number {
    const mono = this.#systemSource ? performance.now() : this.source.monotonicMs();
    this.#lastMono = mono;
    let t = this.#base + (mono - this.#monoBase);
    const sinceWall = mono - this.#wallSeenAt;
    if (sinceWall >= this.#wallEveryMs || sinceWall < 0) {
      this.#wallSeenAt = mono;
      const wall = this.source.wallMs();
      if (wall > t) {
        // Rebase on the wall clock so later progress is measured from here.
        this.#base = wall;
        this.#monoBase = mono;
        t = wall;
      }
    }
    t = Math.floor(t);
    if (t < this.#last) t = this.#last;
    this.#last = t;
    return t;
  }

  /** The highest effective time handed out so far (what to persist). */
  get highWater(): number {
    return this.#last;
  }

  /** Raises the floor, e.g. to a high-water mark written by another node. */
  observe(ms: number): void {
    if (ms > this.now()) {
      const mono = this.source.monotonicMs();
      this.#base = ms;
      this.#monoBase = mono;
      this.#last = Math.floor(ms);
    }
  }
}
