/**
 * A fake clock: `sleep(ms)` advances time by `ms` at once and resolves (no real waiting, no timers).
 * Records every sleep so tests can check backoff and pacing.
 */
import type { Clock } from '../../src/adapters/aws/pacer.js';

/** Fake clock with a movable `now`. */
export class FakeClock implements Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];
  constructor(private t = Date.UTC(2026, 10, 1)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }
  /** Moves time forward without a sleep (e.g. time spent elsewhere). */
  advance(ms: number): void {
    this.t += ms;
  }
}
