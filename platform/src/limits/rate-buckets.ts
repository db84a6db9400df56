/**
 * Fixed-window counters per key (an account id, an address, a login), bounded: when `maxKeys` are tracked the oldest
 * window is forgotten first, so a flood of distinct keys costs a bounded map (and forgets the oldest key's count,
 * which is the price of the bound).
 */
export interface RateBucketsOptions {
  /** Counts a key may reach within one window. */
  readonly max: number;
  readonly windowMs: number;
  /** Keys tracked at once; default 100 000. */
  readonly maxKeys?: number;
  readonly nowMs?: () => number;
}

interface Window {
  startMs: number;
  count: number;
}

export class RateBuckets {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #nowMs: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(options: RateBucketsOptions) {
    if (!(options.max >= 0 && options.windowMs > 0)) throw new RangeError('RateBuckets needs max ≥ 0 and windowMs > 0');
    this.#max = options.max;
    this.#windowMs = options.windowMs;
    this.#maxKeys = Math.max(1, options.maxKeys ?? 100_000);
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Counts one request; returns 0 when allowed, else the ms until the key's window resets. */
  take(key: string): number {
    const now = this.#nowMs();
    let window = this.#current(key, now);
    if (window === undefined) {
      if (this.#windows.size >= this.#maxKeys) {
        const oldest = this.#windows.keys().next();
        if (!oldest.done) this.#windows.delete(oldest.value);
      }
      window = { startMs: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.#max ? window.startMs + this.#windowMs - now : 0;
  }

  /** Without counting: 0 when one more would be allowed, else the ms until the key's window resets. */
  waitMs(key: string): number {
    const now = this.#nowMs();
    const window = this.#current(key, now);
    return window !== undefined && window.count >= this.#max ? window.startMs + this.#windowMs - now : 0;
  }

  /** Takes back one count of the current window (an attempt that turned out not to count). */
  refund(key: string): void {
    const window = this.#current(key, this.#nowMs());
    if (window !== undefined && window.count > 0) window.count -= 1;
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.#windows.size;
  }

  /** The key's window while it lasts; an expired one is dropped, so a new one goes to the back of the line. */
  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    if (window === undefined) return undefined;
    if (now - window.startMs < this.#windowMs) return window;
    this.#windows.delete(key);
    return undefined;
  }
}
