/** Pushes below this size are copied into a shared tail buffer instead of being kept as their own chunk. */
const SMALL_PUSH_BYTES = 4096;
const TAIL_BYTES = 16 * 1024;

/**
 * Bytes received but not yet parsed. Large reads are kept as the chunks they arrived in, so that pushing media costs
 * no re-copying; small reads are copied into one tail buffer, so that a peer sending one byte per TCP segment costs
 * one byte each, not one buffer object each. Views returned by `read` may alias pushed buffers; callers that keep
 * them copy.
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Index of the first live chunk; chunks before it are consumed (dropped in batches, not one shift each). */
  #first = 0;
  /** Read offset into the first chunk. */
  #head = 0;
  #length = 0;
  /** Where small pushes go. */
  #tail: Uint8Array | undefined;
  /** Bytes of `#tail` in use; the next small push lands here. */
  #tailEnd = 0;
  /** Where the last chunk starts in `#tail`, when the last chunk is a view of it (so a small push can widen it). */
  #tailViewStart: number | undefined;

  get length(): number {
    return this.#length;
  }

  /** Buffers holding the queued bytes: what the queue costs beyond the bytes themselves. */
  get chunkCount(): number {
    return this.#chunks.length - this.#first;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#length += bytes.length;
    if (bytes.length >= SMALL_PUSH_BYTES) {
      this.#chunks.push(bytes);
      this.#tailViewStart = undefined;
      return;
    }
    let tail = this.#tail;
    if (tail === undefined || this.#tailEnd + bytes.length > tail.length) {
      tail = new Uint8Array(TAIL_BYTES);
      this.#tail = tail;
      this.#tailEnd = 0;
      this.#tailViewStart = undefined;
    }
    const start = this.#tailEnd;
    tail.set(bytes, start);
    this.#tailEnd += bytes.length;
    // Views handed out by `read` end before `start`, so writing here never changes bytes a caller holds.
    if (this.#tailViewStart === undefined) {
      this.#tailViewStart = start;
      this.#chunks.push(tail.subarray(start, this.#tailEnd));
    } else {
      this.#chunks[this.#chunks.length - 1] = tail.subarray(this.#tailViewStart, this.#tailEnd);
    }
  }

  /** The byte `index` places ahead of the read position; the caller checks `index < length`. */
  byteAt(index: number): number {
    let i = index + this.#head;
    for (let c = this.#first; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c]!;
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError('ByteQueue.byteAt past the end');
  }

  /** `n` bytes (n <= length) as one view; copies only when they span chunks. */
  read(n: number): Uint8Array {
    if (n > this.#length) throw new RangeError('ByteQueue.read past the end');
    const first = this.#chunks[this.#first];
    if (n === 0 || first === undefined) return new Uint8Array(0);
    if (first.length - this.#head >= n) {
      const view = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    this.readInto(out, 0, n);
    return out;
  }

  /** Copies the next `n` bytes (n <= length) into `target` at `offset`, creating no views. */
  readInto(target: Uint8Array, offset: number, n: number): void {
    if (n > this.#length) throw new RangeError('ByteQueue.readInto past the end');
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[this.#first]!;
      const take = Math.min(chunk.length - this.#head, n - filled);
      target.set(chunk.subarray(this.#head, this.#head + take), offset + filled);
      filled += take;
      this.#advance(take);
    }
  }

  skip(n: number): void {
    if (n > this.#length) throw new RangeError('ByteQueue.skip past the end');
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[this.#first]!;
      const take = Math.min(chunk.length - this.#head, left);
      left -= take;
      this.#advance(take);
    }
  }

  #advance(n: number): void {
    this.#head += n;
    this.#length -= n;
    const first = this.#chunks[this.#first];
    if (first === undefined || this.#head < first.length) return;
    this.#head = 0;
    this.#first += 1;
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
      this.#tailViewStart = undefined;
    } else if (this.#first >= 1024 && this.#first * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}
