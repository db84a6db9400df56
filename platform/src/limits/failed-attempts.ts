import { addressGroup } from '@glint/media-core';

/**
 * Per-address throttle on failed stream-key checks, shared by every ingest (RTMP, WHIP): an address (an IPv4
 * address or an IPv6 /64) that gets the key wrong `maxFailures` times within `windowMs` is refused without a key check until the window has passed.
 * Keys have ≥ 96 bits of randomness, so this is not what keeps them secret; it keeps a guessing client from
 * costing the key store (a database, later) a lookup per attempt, and makes the attempt visible in one log line.
 */
export interface FailedAttemptLimits {
  /** Failures an address may have within the window before it is locked out. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses remembered at once; the oldest is forgotten first, so memory stays bounded under a spray. */
  readonly maxTrackedAddresses: number;
}

export const DEFAULT_FAILED_ATTEMPT_LIMITS: FailedAttemptLimits = {
  maxFailures: 10,
  windowMs: 60_000,
  maxTrackedAddresses: 10_000,
};

interface Entry {
  windowStartMs: number;
  failures: number;
}

export type AttemptCheck = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export class FailedAttemptThrottle {
  readonly #limits: FailedAttemptLimits;
  readonly #nowMs: () => number;
  readonly #byAddress = new Map<string, Entry>();

  constructor(limits: Partial<FailedAttemptLimits> = {}, nowMs: () => number = Date.now) {
    this.#limits = { ...DEFAULT_FAILED_ATTEMPT_LIMITS, ...limits };
    this.#nowMs = nowMs;
  }

  /** Whether `address` may try a key now. */
  check(address: string): AttemptCheck {
    const entry = this.#current(addressGroup(address));
    if (entry === undefined || entry.failures < this.#limits.maxFailures) return { allowed: true };
    return { allowed: false, retryAfterMs: entry.windowStartMs + this.#limits.windowMs - this.#nowMs() };
  }

  recordFailure(remoteAddress: string): void {
    const address = addressGroup(remoteAddress);
    const entry = this.#current(address);
    if (entry !== undefined) {
      entry.failures += 1;
      return;
    }
    if (this.#byAddress.size >= this.#limits.maxTrackedAddresses) {
      const oldest = this.#byAddress.keys().next();
      if (!oldest.done) this.#byAddress.delete(oldest.value);
    }
    this.#byAddress.set(address, { windowStartMs: this.#nowMs(), failures: 1 });
  }

  /** Addresses remembered now (for tests and metrics). */
  get trackedAddresses(): number {
    return this.#byAddress.size;
  }

  #current(address: string): Entry | undefined {
    const entry = this.#byAddress.get(address);
    if (entry === undefined) return undefined;
    if (this.#nowMs() - entry.windowStartMs >= this.#limits.windowMs) {
      this.#byAddress.delete(address);
      return undefined;
    }
    return entry;
  }
}
