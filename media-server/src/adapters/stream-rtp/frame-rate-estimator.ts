/** Rates encoders send; a measure within 1 % of one is that rate (FLV timestamps are rounded to whole ms). */
export const COMMON_FRAME_RATES: readonly number[] = [23.976, 24, 25, 29.97, 30, 50, 59.94, 60];

/** Frames per second assumed until two frames with different decode times have come. */
export const DEFAULT_FRAME_RATE = 30;

/**
 * A stream's frame rate from the decode times of its access units since the first: what a re-encoder given raw
 * H.264 (which carries no timestamps) needs to time its frames.
 */
export class FrameRateEstimator {
  #firstDts90k = 0;
  #lastDts90k = 0;
  #frames = 0;

  push(dts90k: number): void {
    if (this.#frames === 0) this.#firstDts90k = dts90k;
    this.#lastDts90k = dts90k;
    this.#frames++;
  }

  /** Frames per second seen so far, snapped to a common rate when within 1 % of one. */
  get fps(): number {
    const spanDts90k = this.#lastDts90k - this.#firstDts90k;
    const measured =
      this.#frames > 1 && spanDts90k > 0 ? ((this.#frames - 1) * 90_000) / spanDts90k : DEFAULT_FRAME_RATE;
    return COMMON_FRAME_RATES.find((f) => Math.abs(f - measured) / f < 0.01) ?? measured;
  }
}
