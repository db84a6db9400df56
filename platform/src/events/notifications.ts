import type { ServiceDeps } from '../service-deps.ts';

/** One notification per follower per broadcast: stored, listed, marked read, pushed live. */
export class Notifications {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
