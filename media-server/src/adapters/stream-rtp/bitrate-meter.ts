/**
 * A video stream's bitrate from its access units, over the last few seconds of media time (so a burst of frames
 * delivered late does not read as a spike): one-second buckets, the rate read over the last `buckets` complete ones.
 * Several seconds, because a second that holds a keyframe more than its neighbours reads 20–30 % higher, and a
 * viewer's layer is judged against this rate. Pure: bytes and dts in, kbit/s out.
 */
const BUCKET_90K = 90_000;

export class BitrateMeter {
  readonly #buckets: number;
  readonly #done: number[] = [];
  #startDts: number | null = null;
  #bytes = 0;

  constructor(buckets = 4) {
    this.#buckets = buckets;
  }

  /** Over the complete seconds held (up to `buckets`), kbit/s; 0 before the first second completed. */
  get kbps(): number {
    if (this.#done.length === 0) return 0;
    const bytes = this.#done.reduce((a, b) => a + b, 0);
    return Math.round((bytes * 8) / this.#done.length / 1000);
  }

  push(bytes: number, dts90k: number): void {
    if (this.#startDts === null || dts90k < this.#startDts) {
      this.#startDts = dts90k;
      this.#bytes = 0;
      this.#done.length = 0;
    }
    // A gap longer than a second counts as quiet seconds, at most as many as are held.
    while (dts90k - this.#startDts >= BUCKET_90K) {
      this.#done.push(this.#bytes);
      if (this.#done.length > this.#buckets) this.#done.shift();
      this.#bytes = 0;
      this.#startDts += BUCKET_90K;
      if (dts90k - this.#startDts >= BUCKET_90K * this.#buckets) this.#startDts = dts90k - BUCKET_90K * this.#buckets;
    }
    this.#bytes += bytes;
  }
}
