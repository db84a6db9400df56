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
 *
 * Faster than both: the queue in front of the viewer (see layer-delivery.ts), from each receiver report. A capped
 * link queues before it drops; a queue over `queueDelayMs` that grows over a quarter second or more (or is full and
 * dropping), in two measures in a row or once over `fastQueueDelayMs`, moves the viewer down at once (no hold) to
 * what the delivered rate carries. Only reports of packets sent since the layer started count (the old layer's
 * queue drains after a switch), and while the queue is not growing REMB and loss do not take the viewer lower.
 *
 * Up without an estimate that says so (Chromium's REMB tops out ~1.5× what it receives, and layers are ~2× apart):
 * after `trialAfterMs` on a lower layer with a clear link (no queue, no loss, the estimate not under the layer) the
 * selector tries the next layer up. A queue during the first `trialMs` of the trial sends it back down at once and
 * doubles the wait before the next trial (up to `trialAfterMaxMs`); a trial that holds resets it.
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
  /** Reads the queue from receiver reports (false: loss only, as before the queue was read; a benchmark's peer). */
  readonly queueSignal: boolean;
  /** A queue over this, growing (or full and dropping packets) in two measures in a row: down at once. */
  readonly queueDelayMs: number;
  /** A queue over this, growing or dropping: down at once on one report. */
  readonly fastQueueDelayMs: number;
  /** A lower layer's clear time before a trial up (0: no trials). */
  readonly trialAfterMs: number;
  readonly trialAfterMaxMs: number;
  /** How long a trial is judged once the higher layer is being sent. */
  readonly trialMs: number;
}

/** One receiver report as the SFU reads it against what it sent (see DeliveryMeter). */
export interface DeliveryReport {
  /** When the highest packet the viewer received was sent. */
  readonly sentAtMs: number;
  readonly queueDelayMs: number;
  readonly deliveredKbps: number | null;
  /** The queue's growth over the span of deliveredKbps, ms per ms (null when that span is not complete). */
  readonly queueGrowth: number | null;
  readonly fractionLost: number;
}

/** A queue growing faster than this (ms per ms) means sending more than the link delivers (5 % more). */
const GROWING = 0.05;

export const LAYER_SELECTOR_DEFAULTS: LayerSelectorOptions = {
  downHeadroom: 1,
  downHoldMs: 1500,
  carryHeadroom: 1.1,
  upHeadroom: 1.3,
  upHoldMs: 4000,
  staleAfterMs: 5000,
  lossThreshold: 0.1,
  queueSignal: true,
  queueDelayMs: 120,
  fastQueueDelayMs: 250,
  trialAfterMs: 8000,
  trialAfterMaxMs: 64_000,
  trialMs: 3000,
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
  /** When the judged layer started reaching the viewer (+∞ until it does: see `started`). */
  #sentSinceMs = Number.POSITIVE_INFINITY;
  #overReports = 0;
  /** A down switch the queue asks for (kbit/s the link delivers, or 0: unknown), until `choose` takes it. */
  #congestedKbps: number | null = null;
  /** Since when the link has been clear on the judged layer (null: not clear). */
  #clearSinceMs: number | null = null;
  #trialWaitMs: number;
  /** The layer a trial up came from, while the trial is judged. */
  #trialFrom: string | null = null;
  #lastReportAtMs = Number.NEGATIVE_INFINITY;
  /** The rate the link delivered and the queue's growth at the last report that measured them (judged layer). */
  #deliveredKbps: number | null = null;
  #queueGrowth = 0;

  constructor(options: Partial<LayerSelectorOptions> = {}, manual: string | null = null) {
    this.#options = { ...LAYER_SELECTOR_DEFAULTS, ...options };
    this.manual = manual;
    this.#trialWaitMs = this.#options.trialAfterMs;
  }

  /**
   * The last report (of the judged layer's packets) showed a queue over `queueDelayMs` and loss over
   * `lossThreshold`: the link is dropping what it cannot carry.
   */
  get overflowing(): boolean {
    return this.#overflowing;
  }

  #overflowing = false;

  /** The judged layer reached the viewer (the switch at its keyframe) at `nowMs`. */
  started(id: string, nowMs: number): void {
    if (id !== this.#judged) return;
    this.#sentSinceMs = nowMs;
    this.#clearSinceMs = null;
    this.#overReports = 0;
    this.#congestedKbps = null;
  }

  /** One receiver report read against what was sent; reports of packets sent before the layer started are ignored. */
  report(r: DeliveryReport, nowMs: number): void {
    if (!this.#options.queueSignal) {
      this.loss(r.fractionLost, nowMs);
      return;
    }
    if (r.sentAtMs < this.#sentSinceMs) return;
    this.loss(r.fractionLost, nowMs);
    this.#lastReportAtMs = nowMs;
    if (r.deliveredKbps !== null) this.#deliveredKbps = r.deliveredKbps;
    if (r.queueGrowth !== null) this.#queueGrowth = r.queueGrowth;
    // Over: a queue that grows (sending more than the link delivers), or a full one that drops packets. A report
    // within the span of the last measured growth counts as the same measure.
    const lossy = r.fractionLost > this.#options.lossThreshold;
    const full = lossy && this.#queueGrowth > -GROWING;
    const over = r.queueDelayMs >= this.#options.queueDelayMs && (this.#queueGrowth > GROWING || full);
    if (r.queueGrowth !== null || lossy || !over) this.#overReports = over ? this.#overReports + 1 : 0;
    if (over && (this.#overReports >= 2 || r.queueDelayMs >= this.#options.fastQueueDelayMs)) {
      this.#congestedKbps = this.#deliveredKbps ?? 0;
    }
    this.#overflowing = r.queueDelayMs >= this.#options.queueDelayMs && r.fractionLost > this.#options.lossThreshold;
    const clear = r.queueDelayMs < this.#options.queueDelayMs / 2 && r.fractionLost <= this.#options.lossThreshold / 2;
    if (!clear) this.#clearSinceMs = null;
    else this.#clearSinceMs ??= nowMs;
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
    const fast = this.#queueVerdict(ranked, at, nowMs, estimate);
    if (fast !== null) return fast;
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
    // A link whose reports show no queue and no loss, or that delivers the layer's rate, carries the layer whatever
    // the estimate says: REMB lags a switch up by seconds, and after a switch down it (and the loss of the old
    // layer's overflow) would take the viewer a layer lower than the link needs.
    const fresh = nowMs - this.#lastReportAtMs <= this.#options.staleAfterMs;
    const carries =
      fresh &&
      (this.#clearSinceMs !== null || (this.#deliveredKbps !== null && this.#deliveredKbps >= 0.95 * here.bitrateKbps));
    if (here.bitrateKbps > 0 && estimate < downHeadroom * here.bitrateKbps && !carries) {
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

  /** Down at once on a growing queue; a trial up after a clear spell; null: the estimate decides. */
  #queueVerdict(ranked: readonly LayerChoice[], at: number, nowMs: number, estimate: number | null): string | null {
    const here = ranked[at];
    if (!here) return null;
    const { trialMs, trialAfterMs, trialAfterMaxMs } = this.#options;
    if (this.#congestedKbps !== null) {
      const delivered = this.#congestedKbps;
      this.#congestedKbps = null;
      const lower = ranked.slice(at + 1);
      if (lower.length === 0) return null;
      if (this.#trialFrom !== null) this.#trialWaitMs = Math.min(trialAfterMaxMs, this.#trialWaitMs * 2);
      const back = this.#trialFrom;
      this.#trialFrom = null;
      // Unknown delivered rate: one layer down (or back where the trial came from).
      const to = back ?? (delivered > 0 ? this.#carried(lower, delivered) : (lower[0]?.id ?? null));
      return this.#settle(to ?? here.id);
    }
    if (this.#trialFrom !== null && nowMs - this.#sentSinceMs >= trialMs) {
      this.#trialFrom = null;
      this.#trialWaitMs = trialAfterMs;
    }
    const next = ranked[at - 1];
    const stale = nowMs - this.#lastReportAtMs > this.#options.staleAfterMs;
    if (trialAfterMs <= 0 || !next || this.#trialFrom !== null || this.#clearSinceMs === null || stale) return null;
    if (estimate !== null && here.bitrateKbps > 0 && estimate < here.bitrateKbps) return null;
    if (nowMs - this.#clearSinceMs < this.#trialWaitMs) return null;
    const from = here.id;
    this.#settle(next.id);
    this.#trialFrom = from;
    return next.id;
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
      this.#sentSinceMs = Number.POSITIVE_INFINITY;
      this.#clearSinceMs = null;
      this.#overReports = 0;
      this.#congestedKbps = null;
      this.#trialFrom = null;
      this.#deliveredKbps = null;
      this.#queueGrowth = 0;
      this.#overflowing = false;
    }
    return id;
  }
}
