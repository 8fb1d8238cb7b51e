/**
 * Request pacing and retry backoff with an injectable clock, so tests run on a fake clock with no real
 * sleeping and production waits for real.
 */

/** Time source and sleeper. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock (Date.now + setTimeout). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Token bucket: `ratePerSecond` tokens refill continuously up to `capacity`; each request takes one,
 * waiting when none is left. With capacity 1, requests are spaced at least 1/rate seconds apart, so a
 * rate below N per second never puts more than N requests in any one-second window.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new RangeError('TokenBucket needs rate > 0 and capacity >= 1');
    this.tokens = capacity;
    this.last = clock.now();
  }

  /** Waits until a token is available and takes it. Callers are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(() => this.takeNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }
}

/** Exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** First delay ceiling, ms. */
  baseMs: number;
  /** Largest delay ceiling, ms. */
  maxMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
}

/**
 * Delay before retry number `attempt` (0-based): a uniform random value in [ceiling/2, ceiling] where
 * ceiling = min(maxMs, baseMs * 2^attempt). Half-jitter keeps retries spread out (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015) while never retrying immediately.
 * @param random a number in [0, 1) (injectable for tests)
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
