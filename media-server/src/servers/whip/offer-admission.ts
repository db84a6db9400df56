/**
 * Who may open a WebRTC session now. Each WHIP/WHEP offer costs a peer connection, a UDP socket and a DTLS
 * handshake before the peer has proved it is real (ICE), so an anonymous client is held to:
 *   - a token bucket of offers per address (a burst, then a steady rate), and
 *   - a cap on sessions not yet connected: per address, and in total.
 * Addresses are remembered in bounded maps (the oldest is forgotten first); IPv6 clients count per /64, the
 * smallest block one subscriber usually gets. Time comes from an injected clock; no timers.
 */
import { addressGroup } from '@glint/media-core';

export interface OfferAdmissionLimits {
  /** Sessions answered but not yet connected (ICE + DTLS), all addresses together. Over it: 503. */
  readonly maxPending: number;
  /** The same, per address. Over it: 429. */
  readonly maxPendingPerAddress: number;
  /** Offers an address may send in a burst. */
  readonly offerBurst: number;
  /** Offers per second an address regains after a burst. */
  readonly offersPerSecond: number;
  /** Addresses whose offer rate is remembered at once. */
  readonly maxTrackedAddresses: number;
}

export const DEFAULT_OFFER_ADMISSION_LIMITS: OfferAdmissionLimits = {
  maxPending: 100,
  maxPendingPerAddress: 10,
  offerBurst: 20,
  offersPerSecond: 5,
  maxTrackedAddresses: 10_000,
};

/** Pending sessions settle within the connect timeout; this is a fair wait before trying again. */
const PENDING_RETRY_AFTER_SEC = 5;

/** Held by a session from its offer until it connects or ends. `release` may be called any number of times. */
export interface PendingLease {
  release(): void;
}

export type Admission =
  | { readonly ok: true; readonly lease: PendingLease }
  | {
      readonly ok: false;
      readonly status: 429 | 503;
      readonly code: 'OFFER_RATE_LIMITED' | 'TOO_MANY_PENDING_SESSIONS' | 'SERVER_BUSY';
      readonly message: string;
      readonly retryAfterSec: number;
    };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class OfferAdmission {
  readonly #limits: OfferAdmissionLimits;
  readonly #nowMs: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #pendingByAddress = new Map<string, number>();
  #pending = 0;

  constructor(limits: Partial<OfferAdmissionLimits> = {}, nowMs: () => number = Date.now) {
    this.#limits = { ...DEFAULT_OFFER_ADMISSION_LIMITS, ...limits };
    this.#nowMs = nowMs;
  }

  get limits(): OfferAdmissionLimits {
    return this.#limits;
  }

  /** Sessions holding a lease now. */
  get pending(): number {
    return this.#pending;
  }

  get trackedAddresses(): number {
    return this.#buckets.size;
  }

  /** Takes one offer from the address's bucket (cheap: call it before reading the body). */
  takeOffer(address: string): Exclude<Admission, { ok: true }> | { readonly ok: true } {
    const key = addressGroup(address);
    const now = this.#nowMs();
    const { offerBurst, offersPerSecond } = this.#limits;
    const bucket = this.#buckets.get(key) ?? { tokens: offerBurst, atMs: now };
    bucket.tokens = Math.min(offerBurst, bucket.tokens + ((now - bucket.atMs) / 1000) * offersPerSecond);
    bucket.atMs = now;
    // Re-inserted so the map's order is least recently seen first: the one evicted under a spray of addresses.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#limits.maxTrackedAddresses) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
    if (bucket.tokens < 1) {
      return {
        ok: false,
        status: 429,
        code: 'OFFER_RATE_LIMITED',
        message: `too many offers from your address; wait ${this.#waitSec(bucket)} s and try again`,
        retryAfterSec: this.#waitSec(bucket),
      };
    }
    bucket.tokens -= 1;
    return { ok: true };
  }

  /** Whether a lease could be had now (nothing is taken): lets a request be refused before its body is read. */
  room(address: string): Exclude<Admission, { ok: true }> | { readonly ok: true } {
    if (this.#pending >= this.#limits.maxPending) {
      return {
        ok: false,
        status: 503,
        code: 'SERVER_BUSY',
        message: 'the server is setting up too many sessions right now; try again in a few seconds',
        retryAfterSec: PENDING_RETRY_AFTER_SEC,
      };
    }
    const mine = this.#pendingByAddress.get(addressGroup(address)) ?? 0;
    if (mine >= this.#limits.maxPendingPerAddress) {
      return {
        ok: false,
        status: 429,
        code: 'TOO_MANY_PENDING_SESSIONS',
        message: `your address has ${mine} sessions still connecting; let them connect or end, then try again`,
        retryAfterSec: PENDING_RETRY_AFTER_SEC,
      };
    }
    return { ok: true };
  }

  /** A lease for one not-yet-connected session, or the reason there is none now. */
  lease(address: string): Admission {
    const room = this.room(address);
    if (!room.ok) return room;
    const key = addressGroup(address);
    const mine = this.#pendingByAddress.get(key) ?? 0;
    this.#pending++;
    this.#pendingByAddress.set(key, mine + 1);
    let held = true;
    return {
      ok: true,
      lease: {
        release: () => {
          if (!held) return;
          held = false;
          this.#pending--;
          const left = (this.#pendingByAddress.get(key) ?? 1) - 1;
          if (left > 0) this.#pendingByAddress.set(key, left);
          else this.#pendingByAddress.delete(key);
        },
      },
    };
  }

  #waitSec(bucket: Bucket): number {
    const perSecond = Math.max(this.#limits.offersPerSecond, 1 / 3600);
    return Math.min(3600, Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)));
  }
}
