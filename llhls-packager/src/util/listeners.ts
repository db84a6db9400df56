/**
 * A set of listeners called safely: one that throws is reported (by default as a process warning) and never stops
 * the emitter or the other listeners, which run inside ingest's hot path.
 */
export class Listeners<A extends unknown[] = []> {
  readonly #set = new Set<(...args: A) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: string | ((error: unknown) => void)) {
    this.#onError =
      typeof onError === 'string'
        ? (error) => process.emitWarning(`${onError} listener failed: ${String(error)}`)
        : onError;
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
