import type { ServiceDeps } from '../service-deps.ts';

/** Follow and unfollow; followers of a channel. */
export class Follows {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
