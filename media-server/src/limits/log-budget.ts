/**
 * How many lines about anonymous clients may be logged at their normal level per window. Anyone can open sockets and
 * send garbage; without a budget each attempt is a log line and a flood fills the disk. Past the budget, lines go to
 * debug, and one line per window says how many did.
 */
export class LogBudget {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #nowMs: () => number;
  readonly #onSuppressed: (count: number, windowMs: number) => void;
  #windowStartMs = Number.NEGATIVE_INFINITY;
  #used = 0;
  #suppressed = 0;

  constructor(options: {
    perWindow: number;
    windowMs: number;
    onSuppressed: (count: number, windowMs: number) => void;
    nowMs?: () => number;
  }) {
    this.#perWindow = options.perWindow;
    this.#windowMs = options.windowMs;
    this.#onSuppressed = options.onSuppressed;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** True: log this line at its level. False: log it at debug (it has been counted). */
  take(): boolean {
    const now = this.#nowMs();
    if (now - this.#windowStartMs >= this.#windowMs) {
      if (this.#suppressed > 0) this.#onSuppressed(this.#suppressed, this.#windowMs);
      this.#windowStartMs = now;
      this.#used = 0;
      this.#suppressed = 0;
    }
    if (this.#used < this.#perWindow) {
      this.#used += 1;
      return true;
    }
    this.#suppressed += 1;
    return false;
  }
}
