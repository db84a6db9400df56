/**
 * Rates encoders send; a measure within 1 % of one is the nearest of them (FLV timestamps are rounded to whole ms).
 * The nearest, not the first: 30 and 29.97 are 0.1 % apart, and telling a re-encoder 29.97 for a 30 fps source
 * drifts its video 3.6 s an hour behind the audio.
 */
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

  /** Frames per second seen so far, snapped to the nearest common rate when within 1 % of one. */
  get fps(): number {
    const spanDts90k = this.#lastDts90k - this.#firstDts90k;
    const measured =
      this.#frames > 1 && spanDts90k > 0 ? ((this.#frames - 1) * 90_000) / spanDts90k : DEFAULT_FRAME_RATE;
    let nearest: number | undefined;
    for (const rate of COMMON_FRAME_RATES) {
      const off = Math.abs(rate - measured) / rate;
      if (off < 0.01 && (nearest === undefined || off < Math.abs(nearest - measured) / nearest)) nearest = rate;
    }
    return nearest ?? measured;
  }
}
