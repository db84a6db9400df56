/**
 * Bytes received but not yet parsed, kept as the chunks they arrived in so that pushing many small reads costs no
 * re-copying. Views returned by `read` may alias pushed buffers; callers that keep them copy.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Read offset into the first chunk. */
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  /** The byte `index` places ahead of the read position; the caller checks `index < length`. */
  byteAt(index: number): number {
    let i = index + this.#head;
    for (const chunk of this.#chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError('ByteQueue.byteAt past the end');
  }

  /** `n` bytes (n <= length) as one view; copies only when they span chunks. */
  read(n: number): Uint8Array {
    if (n > this.#length) throw new RangeError('ByteQueue.read past the end');
    const first = this.#chunks[0];
    if (n === 0 || first === undefined) return new Uint8Array(0);
    if (first.length - this.#head >= n) {
      const view = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.length - this.#head, n - filled);
      out.set(chunk.subarray(this.#head, this.#head + take), filled);
      filled += take;
      this.#advance(take);
    }
    return out;
  }

  skip(n: number): void {
    this.read(n);
  }

  #advance(n: number): void {
    this.#head += n;
    this.#length -= n;
    const first = this.#chunks[0];
    if (first !== undefined && this.#head >= first.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
