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
/** A lag this much smaller than when it went over the limit: the run is catching up, not falling behind. */
const CATCH_UP_MS = 250;

/**
 * Watches one run's lag (source media written minus rung media read back) against wall time: lag over the limit for
 * long enough, and not shrinking, says ffmpeg is slower than real time. A run catching up (the input queued while
 * ffmpeg started, drained faster than real time) starts the count again each time its lag falls by CATCH_UP_MS: on a
 * busy machine a 1080p ladder was still 2 s behind 5 s after its start, and was shed for it. Also keeps the real-time
 * factor (rung media per wall second).
 */
export class LadderLoad {
  readonly #options: LadderLoadOptions;
  #over: { sinceMs: number; lagMs: number } | null = null;
  #samples: { wallMs: number; outputMs: number }[] = [];

  constructor(options: Partial<LadderLoadOptions>) {
    this.#options = { ...LADDER_LOAD, ...options };
  }

  reset(nowMs: number): void {
    this.#over = null;
    this.#samples = [{ wallMs: nowMs, outputMs: 0 }];
  }

  /** One observation; true when the run should shed its top rung. */
  sample(nowMs: number, writtenMs: number, outputMs: number): boolean {
    const last = this.#samples[this.#samples.length - 1];
    if (!last || nowMs - last.wallMs >= 250) {
      this.#samples.push({ wallMs: nowMs, outputMs });
      while (this.#samples.length > 2 && nowMs - this.#samples[0]!.wallMs > WINDOW_MS) this.#samples.shift();
    }
    const lagMs = writtenMs - outputMs;
    if (lagMs <= this.#options.maxLagMs) {
      this.#over = null;
      return false;
    }
    if (!this.#over || lagMs < this.#over.lagMs - CATCH_UP_MS) {
      this.#over = { sinceMs: nowMs, lagMs };
      return false;
    }
    return nowMs - this.#over.sinceMs >= this.#options.forMs;
  }

  get realtimeFactor(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.wallMs - first.wallMs < 500) return 0;
    return (last.outputMs - first.outputMs) / (last.wallMs - first.wallMs);
  }
}
