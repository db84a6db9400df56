/** When an ffmpeg that falls behind real time sheds its top rung. */
export interface LadderLoadOptions {
  /** Output this far behind the input, ms, ... Default 1,500. */
  readonly maxLagMs: number;
  /** ... for this long, ms, sheds the top rung. Default 3,000. */
  readonly forMs: number;
}

export const LADDER_LOAD: LadderLoadOptions = { maxLagMs: 1500, forMs: 3000 };

/** Seconds of history the real-time factor averages over. */
const WINDOW_MS = 5000;

/**
 * Watches one run's lag (source media written minus rung media read back) against wall time: lag over the limit for
 * long enough says ffmpeg is slower than real time. Also keeps the real-time factor (rung media per wall second).
 */
export class LadderLoad {
  readonly #options: LadderLoadOptions;
  #overSinceMs: number | null = null;
  #samples: { wallMs: number; outputMs: number }[] = [];

  constructor(options: Partial<LadderLoadOptions>) {
    this.#options = { ...LADDER_LOAD, ...options };
  }

  reset(nowMs: number): void {
    this.#overSinceMs = null;
    this.#samples = [{ wallMs: nowMs, outputMs: 0 }];
  }

  /** One observation; true when the run should shed its top rung. */
  sample(nowMs: number, writtenMs: number, outputMs: number): boolean {
    const last = this.#samples[this.#samples.length - 1];
    if (!last || nowMs - last.wallMs >= 250) {
      this.#samples.push({ wallMs: nowMs, outputMs });
      while (this.#samples.length > 2 && nowMs - this.#samples[0]!.wallMs > WINDOW_MS) this.#samples.shift();
    }
    if (writtenMs - outputMs <= this.#options.maxLagMs) {
      this.#overSinceMs = null;
      return false;
    }
    this.#overSinceMs ??= nowMs;
    return nowMs - this.#overSinceMs >= this.#options.forMs;
  }

  get realtimeFactor(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.wallMs - first.wallMs < 500) return 0;
    return (last.outputMs - first.outputMs) / (last.wallMs - first.wallMs);
  }
}
