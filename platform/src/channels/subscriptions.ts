import type { ServiceDeps } from '../service-deps.ts';

/** Subscriptions: tiers 1/2/3 with start, expiry and months counted; granted by the broadcaster. */
export class Subscriptions {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
