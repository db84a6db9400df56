/**
 * Fixed-window request counters per key (an account id), bounded: when `maxKeys` are tracked the oldest window is
 * forgotten first, so a flood of distinct keys costs a bounded map.
 */
export class RateBuckets {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #nowMs: () => number;
  readonly #windows = new Map<string, { startMs: number; count: number }>();

  constructor(options: { max: number; windowMs: number; maxKeys?: number; nowMs?: () => number }) {
    this.#max = options.max;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** Counts one request; returns 0 when allowed, else the ms until the key's window resets. */
  take(key: string): number {
    const now = this.#nowMs();
    let window = this.#windows.get(key);
    if (!window || now - window.startMs >= this.#windowMs) {
      this.#windows.delete(key);
      if (this.#windows.size >= this.#maxKeys) {
        const oldest = this.#windows.keys().next().value;
        if (oldest !== undefined) this.#windows.delete(oldest);
      }
      window = { startMs: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.#max ? window.startMs + this.#windowMs - now : 0;
  }
}
