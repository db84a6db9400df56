import { type Logger, silentLogger } from './logger.ts';

/**
 * A set of listeners called safely: one that throws is reported to the owner's logger and never stops the emitter or
 * the other listeners, which run inside ingest's hot path.
 */
export class Listeners<A extends unknown[] = []> {
  readonly #set = new Set<(...args: A) => void>();
  readonly #onError: (error: unknown) => void;

  /** `owner` names the emitter in the log line; or pass a function that handles the error itself. */
  constructor(owner: string | ((error: unknown) => void), logger: Logger = silentLogger) {
    this.#onError =
      typeof owner === 'string' ? (error) => logger.error({ err: error, emitter: owner }, 'listener failed') : owner;
  }

  get size(): number {
    return this.#set.size;
  }

  add(listener: (...args: A) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.#set) {
      try {
        listener(...args);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }
}
