/**
 * The ladder's map between the source's clock and what ffmpeg sees. A run feeds ffmpeg FLV, whose timestamps are ms
 * from the run's first frame; ffmpeg's MPEG-TS comes back with those ms as 33-bit 90 kHz PTS. Each output frame is
 * matched to the source frame nearest its PTS, so a rung's access unit carries that source frame's exact pts90k
 * (what the FLV's ms rounding lost is restored, and a rung at a lowered frame rate still lands on source frames).
 */
const WRAP_90K = 2 ** 33;

export interface SourceFrame {
  /** PTS relative to the run's origin, in ms as written to FLV. */
  readonly ptsMs: number;
  readonly pts90k: number;
  /** Wall clock when it was written to ffmpeg, ms. */
  readonly writtenAtMs: number;
}

export class SourceClock {
  readonly #origin90k: number;
  readonly #capacity: number;
  /** Written frames sorted by ptsMs (B-frames arrive out of order, so inserts are near, not at, the end). */
  readonly #frames: SourceFrame[] = [];
  #latestDtsMs = 0;
  #maxPtsMs = 0;

  /** `origin90k`: the DTS of the run's first frame (a keyframe). `capacity`: frames remembered (default 20 s at 30 fps). */
  constructor(origin90k: number, capacity = 600) {
    this.#origin90k = origin90k;
    this.#capacity = capacity;
  }

  /** The FLV timestamps for a source frame, and remembers it. */
  write(pts90k: number, dts90k: number, nowMs: number): { dtsMs: number; compositionMs: number } {
    const dtsMs = Math.max(this.#latestDtsMs, Math.round((dts90k - this.#origin90k) / 90));
    const ptsMs = Math.max(dtsMs, Math.round((pts90k - this.#origin90k) / 90));
    this.#latestDtsMs = dtsMs;
    this.#maxPtsMs = Math.max(this.#maxPtsMs, ptsMs);
    const frame: SourceFrame = { ptsMs, pts90k, writtenAtMs: nowMs };
    let i = this.#frames.length;
    while (i > 0 && this.#frames[i - 1]!.ptsMs > ptsMs) i--;
    if (this.#frames[i - 1]?.ptsMs === ptsMs) this.#frames[i - 1] = frame;
    else this.#frames.splice(i, 0, frame);
    if (this.#frames.length > this.#capacity) this.#frames.shift();
    return { dtsMs, compositionMs: ptsMs - dtsMs };
  }

  /** Newest presentation time written, ms from the origin. */
  get writtenMs(): number {
    return this.#maxPtsMs;
  }

  /** ffmpeg's 33-bit output PTS as ms from the origin, unwrapped next to what was written. */
  outputMs(pts33: number): number {
    const near90k = this.#maxPtsMs * 90;
    const wraps = Math.round((near90k - pts33) / WRAP_90K);
    return (pts33 + wraps * WRAP_90K) / 90;
  }

  /** The written source frame nearest `ms`, or undefined if none is within `toleranceMs`. */
  nearest(ms: number, toleranceMs: number): SourceFrame | undefined {
    const f = this.#frames;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid]!.ptsMs < ms) lo = mid + 1;
      else hi = mid;
    }
    let best: SourceFrame | undefined;
    for (const c of [f[lo - 1], f[lo]]) {
      if (c && Math.abs(c.ptsMs - ms) <= toleranceMs && (!best || Math.abs(c.ptsMs - ms) < Math.abs(best.ptsMs - ms))) {
        best = c;
      }
    }
    return best;
  }
}
