/**
 * A map bounded by the bytes of what it holds: the least recently used entries go first once the budget is passed.
 * An entry's size may change after it is put (`resize`), as a growing playlist's does.
 */
export class ByteLru<K, V> {
  readonly #maxBytes: number;
  readonly #entries = new Map<K, { value: V; bytes: number }>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    this.#evict(key);
  }

  /** A new size for an entry still held (a no-op for one already evicted). */
  resize(key: K, value: V, bytes: number): void {
    const entry = this.#entries.get(key);
    if (!entry || entry.value !== value) return;
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.#evict(key);
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Deletes every key the predicate picks. */
  deleteWhere(pick: (key: K) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (pick(key)) this.delete(key);
  }

  /** Oldest first until within budget; the entry just touched stays even when alone over it (it is being served). */
  #evict(keep: K): void {
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) return;
      if (key === keep) continue;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}
