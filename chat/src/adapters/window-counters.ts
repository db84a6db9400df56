/**
 * Fixed-window counters in a bounded map: the memory bus's `hit` and the Redis bus's fallback while Redis is away.
 * When full, expired windows go first, then the oldest window (a lost counter only lets one user speak early).
 */
export class WindowCounters {
  readonly #windows = new Map<string, { endMs: number; count: number }>();

  constructor(
    readonly maxKeys: number,
    readonly nowMs: () => number,
  ) {}

  get size(): number {
    return this.#windows.size;
  }

  /** 0 when this hit is within `limit` for the window; else ms until the window ends. */
  hit(key: string, limit: number, windowMs: number): number {
    const now = this.nowMs();
    let window = this.#windows.get(key);
    if (!window || window.endMs <= now) {
      if (window) this.#windows.delete(key);
      else this.#makeRoom(now);
      window = { endMs: now + windowMs, count: 0 };
      // Re-inserted so that Map order stays oldest window first.
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count <= limit ? 0 : Math.max(1, window.endMs - now);
  }

  #makeRoom(now: number): void {
    if (this.#windows.size < this.maxKeys) return;
    for (const [key, window] of this.#windows) if (window.endMs <= now) this.#windows.delete(key);
    while (this.#windows.size >= this.maxKeys) {
      const oldest = this.#windows.keys().next();
      if (oldest.done) break;
      this.#windows.delete(oldest.value);
    }
  }
}
