/**
 * Which video layer one viewer should get, from its bandwidth estimate over time. Pure: estimates and times in,
 * a layer id out; no timers (it is asked again on each estimate and at keyframes).
 *
 * Down when the estimate has stayed below `downHeadroom` × the current layer's bitrate for `downHoldMs`, to the
 * highest layer the estimate carries with `carryHeadroom` (or the lowest). `downHeadroom` is 1.0, not more:
 * Chromium's first REMB is the throughput it measured, i.e. the layer's own rate, and rises from there by ~8 %/s, so
 * with 1.1 every new viewer on a clean link went down a layer when its estimate arrived (seen in the Chromium test). Up one layer when the estimate has stayed
 * at `upHeadroom` × the next layer's bitrate for `upHoldMs`. The two headrooms and holds are the hysteresis: a
 * switch costs the viewer a keyframe's burst and a visible change, so an estimate wobbling around one rate must not
 * flip layers.
 *
 * Loss counts too: Chromium's receive-side estimate (REMB) can sit unchanged for seconds on a link whose queue
 * overflows (measured: 8 s), while its receiver reports show the loss at once. A loss fraction over `lossThreshold`
 * caps the estimate at the current layer's rate × (1 − loss / 2), as a sender's loss-based controller would.
 */

export interface LayerChoice {
  readonly id: string;
  /** kbit/s; 0 = not known yet (the source before its rate is measured): ranked highest, never judged too high. */
  readonly bitrateKbps: number;
}

export interface LayerSelectorOptions {
  readonly downHeadroom: number;
  readonly downHoldMs: number;
  /** A layer carried by an estimate has its bitrate × this under it. */
  readonly carryHeadroom: number;
  readonly upHeadroom: number;
  readonly upHoldMs: number;
  /** An estimate older than this is not used (no feedback: stay). */
  readonly staleAfterMs: number;
  /** A fraction lost (receiver reports) over this caps the estimate (see above). */
  readonly lossThreshold: number;
}

export const LAYER_SELECTOR_DEFAULTS: LayerSelectorOptions = {
  downHeadroom: 1,
  downHoldMs: 1500,
  carryHeadroom: 1.1,
  upHeadroom: 1.3,
  upHoldMs: 4000,
  staleAfterMs: 5000,
  lossThreshold: 0.1,
};

/** Highest first; a layer of unknown rate first of all. */
export function rankLayers<T extends LayerChoice>(layers: readonly T[]): T[] {
  const rate = (l: LayerChoice) => (l.bitrateKbps > 0 ? l.bitrateKbps : Number.POSITIVE_INFINITY);
  return [...layers].sort((a, b) => rate(b) - rate(a));
}

export class LayerSelector {
  readonly #options: LayerSelectorOptions;
  /** The viewer's own pick (`?layer=`), used while the source has it. */
  manual: string | null;
  #estimateKbps: number | null = null;
  #estimateAtMs = 0;
  #lossFraction = 0;
  #lossAtMs = Number.NEGATIVE_INFINITY;
  #judged: string | null = null;
  #belowSinceMs: number | null = null;
  #aboveSinceMs: number | null = null;

  constructor(options: Partial<LayerSelectorOptions> = {}, manual: string | null = null) {
    this.#options = { ...LAYER_SELECTOR_DEFAULTS, ...options };
    this.manual = manual;
  }

  get estimateKbps(): number | null {
    return this.#estimateKbps;
  }

  /** The viewer's receive estimate (REMB), kbit/s, at `nowMs`. */
  estimate(kbps: number, nowMs: number): void {
    if (!Number.isFinite(kbps) || kbps < 0) return;
    this.#estimateKbps = kbps;
    this.#estimateAtMs = nowMs;
  }

  /** The fraction of packets the viewer lost since its last receiver report (0–1), at `nowMs`. */
  loss(fraction: number, nowMs: number): void {
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) return;
    this.#lossFraction = fraction;
    this.#lossAtMs = nowMs;
  }

  /**
   * The layer to be on, given the layers there are and the one being sent (`current`, null before the first).
   * Returns null when there is no layer.
   */
  choose(layers: readonly LayerChoice[], current: string | null, nowMs: number): string | null {
    const ranked = rankLayers(layers);
    if (ranked.length === 0) return null;
    if (this.manual !== null && ranked.some((l) => l.id === this.manual)) return this.#settle(this.manual);
    let estimate = this.#freshEstimate(nowMs);
    const at = ranked.findIndex((l) => l.id === current);
    const here = ranked[at];
    if (!here) return this.#settle(estimate === null ? (ranked[0]?.id ?? null) : this.#carried(ranked, estimate));
    if (this.#judged !== here.id) this.#settle(here.id);
    const lossy =
      nowMs - this.#lossAtMs <= this.#options.staleAfterMs && this.#lossFraction > this.#options.lossThreshold;
    if (lossy && here.bitrateKbps > 0) {
      const cap = here.bitrateKbps * (1 - this.#lossFraction / 2);
      estimate = estimate === null ? cap : Math.min(estimate, cap);
    }
    if (estimate === null) {
      // No feedback: nothing holds (a hold is a continuous condition, not one sample then silence).
      this.#belowSinceMs = null;
      this.#aboveSinceMs = null;
      return here.id;
    }
    const { downHeadroom, downHoldMs, upHeadroom, upHoldMs } = this.#options;
    if (here.bitrateKbps > 0 && estimate < downHeadroom * here.bitrateKbps) {
      this.#aboveSinceMs = null;
      this.#belowSinceMs ??= nowMs;
      if (nowMs - this.#belowSinceMs < downHoldMs) return here.id;
      return this.#settle(this.#carried(ranked.slice(at + 1), estimate) ?? here.id);
    }
    this.#belowSinceMs = null;
    const next = ranked[at - 1];
    if (next && next.bitrateKbps > 0 && estimate >= upHeadroom * next.bitrateKbps) {
      this.#aboveSinceMs ??= nowMs;
      if (nowMs - this.#aboveSinceMs >= upHoldMs) return this.#settle(next.id);
    } else {
      this.#aboveSinceMs = null;
    }
    return here.id;
  }

  #freshEstimate(nowMs: number): number | null {
    if (this.#estimateKbps === null || nowMs - this.#estimateAtMs > this.#options.staleAfterMs) return null;
    return this.#estimateKbps;
  }

  /** The highest of `ranked` the estimate carries with the carry headroom, else the lowest. */
  #carried(ranked: readonly LayerChoice[], estimateKbps: number): string | null {
    const fits = ranked.find((l) => l.bitrateKbps > 0 && l.bitrateKbps * this.#options.carryHeadroom <= estimateKbps);
    return (fits ?? ranked[ranked.length - 1])?.id ?? null;
  }

  /** A new layer is judged from scratch: the holds start again. */
  #settle(id: string | null): string | null {
    if (id !== this.#judged) {
      this.#judged = id;
      this.#belowSinceMs = null;
      this.#aboveSinceMs = null;
    }
    return id;
  }
}
