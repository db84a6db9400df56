/**
 * Runs WebRTC negotiations (a werift peer connection answering an offer: ~2 ms of CPU) a few at a time, each after
 * a turn of the event loop. werift's answer path resolves through promises alone, so forty offers arriving
 * together would otherwise run back to back in one turn, and health checks and media forwarding would wait for all
 * of them. How many can wait is bounded by the pending-session cap (a caller holds its lease while it waits).
 */
export class NegotiationQueue {
  readonly #concurrency: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(concurrency = 2) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /** Negotiations waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(negotiate: () => Promise<T>): Promise<T> {
    if (this.#running < this.#concurrency) this.#running++;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      // Let I/O that arrived meanwhile (health checks, RTP, other requests) run first.
      await new Promise((resolve) => setImmediate(resolve));
      return await negotiate();
    } finally {
      // The slot passes to the next waiter as is, or is given back.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
