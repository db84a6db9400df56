import { addressGroup } from '@glint/media-core';
import { RateBuckets } from './rate-buckets.ts';

/**
 * Sign-in throttling: failed log-ins are counted per address (an IPv4 address or an IPv6 /64) and per login.
 * An address with too many failures is refused for every login; a login with too many failures (from anywhere, so a
 * botnet guessing one password gets no more tries than one machine) is refused for every address except those that
 * have logged into it successfully before, so a guessing stranger cannot lock the owner out of their own account.
 * A success resets nothing: it neither lifts a lockout nor clears the failures another address has run up.
 *
 * An attempt counts as a failure from the moment it starts and is taken back if the password was right, so a burst
 * of concurrent guesses cannot all pass the check before the first one fails. Memory is bounded: each counter and
 * the remembered (login, address) pairs forget their oldest entry first.
 */
export interface LoginThrottleLimits {
  /** Failed log-ins one address may have within the window, whatever the logins. */
  readonly perAddress: number;
  /** Failed log-ins one login may have within the window, whatever the addresses. */
  readonly perLogin: number;
  readonly windowMs: number;
  /** Addresses, logins and known (login, address) pairs remembered at most, each. */
  readonly maxTracked: number;
}

export const DEFAULT_LOGIN_THROTTLE_LIMITS: LoginThrottleLimits = {
  perAddress: 10,
  perLogin: 5,
  windowMs: 15 * 60_000,
  maxTracked: 50_000,
};

export type LoginAttempt =
  | { readonly allowed: false; readonly retryAfterMs: number }
  | { readonly allowed: true; settle(outcome: AttemptOutcome): void };

/** `abandoned`: the check never ran (the database did not answer), so the attempt is taken back, not remembered. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'abandoned';

export class LoginThrottle {
  readonly #byAddress: RateBuckets;
  readonly #byLogin: RateBuckets;
  /** `login address` pairs that have logged in; insertion-ordered, so the oldest is forgotten first. */
  readonly #known = new Set<string>();
  readonly #maxKnown: number;

  constructor(limits: Partial<LoginThrottleLimits> = {}, nowMs: () => number = Date.now) {
    const l = { ...DEFAULT_LOGIN_THROTTLE_LIMITS, ...limits };
    this.#byAddress = new RateBuckets({ max: l.perAddress, windowMs: l.windowMs, maxKeys: l.maxTracked, nowMs });
    this.#byLogin = new RateBuckets({ max: l.perLogin, windowMs: l.windowMs, maxKeys: l.maxTracked, nowMs });
    this.#maxKnown = Math.max(1, l.maxTracked);
  }

  /**
   * Starts an attempt of `address` on `login`: refused (before any password work, so a refusal costs nothing), or
   * allowed and counted as a failure unless `settle` says otherwise.
   */
  attempt(login: string, address: string): LoginAttempt {
    const group = addressGroup(address);
    const name = login.toLowerCase();
    const pair = `${name} ${group}`;
    const known = this.#known.has(pair);
    const waitMs = Math.max(this.#byAddress.waitMs(group), known ? 0 : this.#byLogin.waitMs(name));
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    this.#byAddress.take(group);
    this.#byLogin.take(name);
    let settled = false;
    return {
      allowed: true,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (outcome === 'failed') return;
        this.#byAddress.refund(group);
        this.#byLogin.refund(name);
        if (outcome === 'succeeded') this.#remember(pair);
      },
    };
  }

  /** Entries remembered now, for tests and metrics. */
  get tracked(): { addresses: number; logins: number; known: number } {
    return { addresses: this.#byAddress.size, logins: this.#byLogin.size, known: this.#known.size };
  }

  #remember(pair: string): void {
    this.#known.delete(pair);
    if (this.#known.size >= this.#maxKnown) {
      const oldest = this.#known.values().next();
      if (!oldest.done) this.#known.delete(oldest.value);
    }
    this.#known.add(pair);
  }
}
