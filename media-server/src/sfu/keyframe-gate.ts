/**
 * Coalesces keyframe requests for one channel: many viewers joining or losing packets at once must not make the
 * publisher encode a keyframe each (each costs a burst of bits and a quality dip for everyone). The first request
 * passes at once; requests within the interval are folded into one more, sent when the interval ends.
 */
export class KeyframeGate {
  readonly #send: () => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastSentMs = Number.NEGATIVE_INFINITY;
  #pending: ReturnType<typeof setTimeout> | undefined;
  sent = 0;
  requested = 0;

  constructor(send: () => void, options: { intervalMs?: number; now?: () => number } = {}) {
    this.#send = send;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#now = options.now ?? Date.now;
  }

  request(): void {
    this.requested++;
    if (this.#pending) return;
    const waitMs = this.#lastSentMs + this.#intervalMs - this.#now();
    if (waitMs <= 0) {
      this.#fire();
      return;
    }
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#fire();
    }, waitMs);
  }

  close(): void {
    if (this.#pending) clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #fire(): void {
    this.#lastSentMs = this.#now();
    this.sent++;
    this.#send();
  }
}
