/**
 * A video stream's bitrate from its access units, over windows of media time (so a burst of frames delivered late
 * does not read as a spike). Pure: bytes and dts in, kbit/s out.
 */
export class BitrateMeter {
  readonly #window90k: number;
  #startDts: number | null = null;
  #bytes = 0;
  #kbps = 0;

  /** `windowMs` of media time per reading. */
  constructor(windowMs = 2000) {
    this.#window90k = windowMs * 90;
  }

  /** The last complete window's rate, kbit/s; 0 before one completed. */
  get kbps(): number {
    return this.#kbps;
  }

  push(bytes: number, dts90k: number): void {
    if (this.#startDts === null || dts90k < this.#startDts) {
      this.#startDts = dts90k;
      this.#bytes = 0;
    }
    const elapsed = dts90k - this.#startDts;
    if (elapsed >= this.#window90k) {
      this.#kbps = Math.round((this.#bytes * 8 * 90) / elapsed);
      this.#startDts = dts90k;
      this.#bytes = 0;
    }
    this.#bytes += bytes;
  }
}
