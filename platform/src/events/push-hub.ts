import type { ServiceDeps } from '../service-deps.ts';

/** In-app push: open WebSocket connections per user, sent notifications and go-live events. */
export class PushHub {
  readonly #deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Stops timers and connections (process shutdown). */
  async close(): Promise<void> {
    void this.#deps;
  }
}
