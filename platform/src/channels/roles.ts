import type { ServiceDeps } from '../service-deps.ts';

/** Roles per channel: broadcaster, moderator, VIP, subscriber, follower, viewer, banned. */
export class Roles {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
