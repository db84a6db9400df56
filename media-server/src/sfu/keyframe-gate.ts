export interface KeyframeGateOptions {
  /** Least time between two requests that reach the source, ms. Default 500. */
  readonly intervalMs?: number;
  /**
   * A request inside the interval: 'defer' (default) folds it into one more request sent when the interval ends, for
   * askers that ask once (a viewer's PLI must be served); 'drop' forgets it, for an asker that asks again for as long
   * as it still needs a keyframe (the WHIP bridge, on every packet while its depacketizer waits for one).
   */
  readonly withinInterval?: 'defer' | 'drop';
  /**
   * Also ask this often whatever comes, ms, for a source that sends keyframes only when asked (a browser publisher);
   * each such request starts a new interval. Default: never.
   */
  readonly everyMs?: number;
  /** Wall clock, ms. */
  readonly now?: () => number;
}

/**
 * Which keyframe requests reach a source. Many viewers joining or losing packets at once must not make the
 * publisher encode a keyframe each (each costs a burst of bits and a quality dip for everyone): the first request
 * passes at once, later ones within the interval are folded or dropped (see `withinInterval`).
 */
export class KeyframeGate {
  readonly #send: () => void;
  readonly #intervalMs: number;
  readonly #defer: boolean;
  readonly #now: () => number;
  readonly #periodic: ReturnType<typeof setInterval> | undefined;
  #lastSentMs = Number.NEGATIVE_INFINITY;
  #pending: ReturnType<typeof setTimeout> | undefined;
  /** Requests that reached the source. */
  sent = 0;
  /** Requests asked for (the periodic ones not counted). */
  requested = 0;

  constructor(send: () => void, options: KeyframeGateOptions = {}) {
    this.#send = send;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#defer = (options.withinInterval ?? 'defer') === 'defer';
    this.#now = options.now ?? Date.now;
    this.#periodic = options.everyMs === undefined ? undefined : setInterval(() => this.#fire(), options.everyMs);
  }

  request(): void {
    this.requested++;
    if (this.#pending) return;
    const waitMs = this.#lastSentMs + this.#intervalMs - this.#now();
    if (waitMs <= 0) {
      this.#fire();
      return;
    }
    if (!this.#defer) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#fire();
    }, waitMs);
  }

  /** Stops the periodic requests and drops a deferred one. */
  close(): void {
    if (this.#periodic) clearInterval(this.#periodic);
    if (this.#pending) clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #fire(): void {
    // Whatever sends (the period, or the interval's end), a deferred request is served by it.
    if (this.#pending) clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#lastSentMs = this.#now();
    this.sent++;
    this.#send();
  }
}
