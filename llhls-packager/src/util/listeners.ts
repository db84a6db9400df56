/**
 * A set of listeners called safely: one that throws is reported as a process warning and never stops the emitter or
 * the other listeners (the packager runs inside an ingest's hot path).
 */
export class Listeners<A extends unknown[] = []> {
  readonly #set = new Set<(...args: A) => void>();

  constructor(readonly label: string) {}

  add(listener: (...args: A) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.#set) {
      try {
        listener(...args);
      } catch (error) {
        process.emitWarning(`${this.label} listener failed: ${String(error)}`);
      }
    }
  }
}
