/**
 * What one viewer's link delivers, from the SFU's own records and the viewer's receiver reports: each forwarded
 * video packet's sequence number, send time and the bytes sent so far; each report's extended highest sequence
 * number received says how far the viewer got. The time since that packet was sent (less the lowest such lag seen
 * lately: the path's own delay and the report's delay) is the queue building up in front of the viewer; the bytes
 * between two reports over the time between them, less the fraction lost, is the rate the link delivered. A queue
 * shows within one report of a cap (a capped link queues before it drops), where Chromium's REMB takes seconds.
 * Pure apart from the times passed in; bounded: a ring of sent packets and ten one-second minima.
 */

export interface Delivery {
  /** When the highest packet the viewer received was sent. */
  readonly sentAtMs: number;
  /** The lag of this report over the lowest lag of the last ~10 s, ms. */
  readonly queueDelayMs: number;
  /** The rate delivered since an earlier report ≥ `minIntervalMs` ago, kbit/s (null until there is one). */
  readonly deliveredKbps: number | null;
  /** How fast the queue grew over the same span, ms per ms (0.5: sending 1.5× what the link delivers); null with it. */
  readonly queueGrowth: number | null;
}

/** Packets remembered: ~7 s at 2.5 Mbit/s (a report naming an older one is ignored). */
const RING = 2048;
const SEQ_MOD = 0x1_0000;
/** A ring entry older than this is not the packet a report names (sequence numbers wrap). */
const MAX_AGE_MS = 10_000;
const BASE_BUCKET_MS = 1000;
const BASE_BUCKETS = 10;

export class DeliveryMeter {
  readonly #minIntervalMs: number;
  readonly #seq = new Int32Array(RING).fill(-1);
  readonly #sentAtMs = new Float64Array(RING);
  /** Bytes sent up to and including this packet. */
  readonly #cumBytes = new Float64Array(RING);
  #bytes = 0;
  /** Lowest lag per one-second bucket, the newest last. */
  readonly #baseMs: number[] = [];
  #baseBucket = -1;
  #anchor: { cumBytes: number; atMs: number; queueMs: number } | null = null;

  constructor(minIntervalMs = 250) {
    this.#minIntervalMs = minIntervalMs;
  }

  /** A video packet went to the viewer: its sequence number (as the viewer sees it) and size. */
  sent(seq: number, bytes: number, nowMs: number): void {
    const i = seq % RING;
    this.#bytes += bytes;
    this.#seq[i] = seq;
    this.#sentAtMs[i] = nowMs;
    this.#cumBytes[i] = this.#bytes;
  }

  /**
   * A receiver report: the highest sequence number received (extended or not) and the fraction lost since the last
   * report. Null when the packet is not one remembered (too old, or never sent).
   */
  received(highestSeq: number, fractionLost: number, nowMs: number): Delivery | null {
    const seq = highestSeq % SEQ_MOD;
    const i = seq % RING;
    const sentAtMs = this.#sentAtMs[i] ?? 0;
    if (this.#seq[i] !== seq || nowMs - sentAtMs > MAX_AGE_MS || nowMs < sentAtMs) return null;
    const lagMs = nowMs - sentAtMs;
    const baseMs = this.#base(lagMs, nowMs);
    const cumBytes = this.#cumBytes[i] ?? 0;
    const queueMs = lagMs - baseMs;
    let deliveredKbps: number | null = null;
    let queueGrowth: number | null = null;
    const anchor = this.#anchor;
    if (anchor === null || cumBytes < anchor.cumBytes) {
      this.#anchor = { cumBytes, atMs: nowMs, queueMs };
    } else if (nowMs - anchor.atMs >= this.#minIntervalMs) {
      const lost = Math.min(1, Math.max(0, fractionLost));
      deliveredKbps = ((cumBytes - anchor.cumBytes) * 8 * (1 - lost)) / (nowMs - anchor.atMs);
      queueGrowth = (queueMs - anchor.queueMs) / (nowMs - anchor.atMs);
      this.#anchor = { cumBytes, atMs: nowMs, queueMs };
    }
    return { sentAtMs, queueDelayMs: queueMs, deliveredKbps, queueGrowth };
  }

  /** The lowest lag of the last BASE_BUCKETS seconds, this one included. */
  #base(lagMs: number, nowMs: number): number {
    const bucket = Math.floor(nowMs / BASE_BUCKET_MS);
    if (bucket !== this.#baseBucket) {
      const skipped = this.#baseBucket < 0 ? 1 : Math.min(BASE_BUCKETS, bucket - this.#baseBucket);
      for (let k = 0; k < skipped; k++) this.#baseMs.push(Number.POSITIVE_INFINITY);
      while (this.#baseMs.length > BASE_BUCKETS) this.#baseMs.shift();
      this.#baseBucket = bucket;
    }
    const last = this.#baseMs.length - 1;
    this.#baseMs[last] = Math.min(this.#baseMs[last] ?? lagMs, lagMs);
    return Math.min(...this.#baseMs);
  }
}
