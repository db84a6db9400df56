/**
 * Cuts a track's samples into LL-HLS parts and segments. Pure: no I/O, no timers; times are in the track's
 * timescale. A part never exceeds the part target; a video segment ends only before a keyframe, once it has
 * reached the segment target (a longer GOP wins). Audio segments follow boundaries the caller announces (the
 * video's cuts) so renditions stay aligned, or cut on their own target when there is no video.
 */

export interface Sample {
  /** Length-prefixed NAL units (video) or one raw audio frame. */
  readonly data: Uint8Array;
  readonly dts: number;
  /** pts - dts, signed. */
  readonly compositionOffset: number;
  readonly keyframe: boolean;
  /** Known up front for audio; video durations come from the next sample's dts. */
  duration: number;
}

export interface PartCut {
  readonly samples: readonly Sample[];
  readonly startDts: number;
  readonly durationTicks: number;
  /** The part starts with a keyframe (INDEPENDENT=YES). */
  readonly independent: boolean;
  /** This part is the last of its segment; a cut with no samples only closes the segment. */
  readonly endsSegment: boolean;
}

export interface SegmenterOptions {
  readonly kind: 'video' | 'audio';
  readonly partTargetTicks: number;
  readonly segmentTargetTicks: number;
  /** Audio only: cut segments where the caller announces boundaries instead of on the target. */
  readonly followBoundaries?: boolean;
}

export class Segmenter {
  readonly #opts: SegmenterOptions;
  #part: Sample[] = [];
  #partStartDts = 0;
  #segmentStartDts: number | null = null;
  /** Video: the newest sample, held until the next one tells its duration. */
  #pending: Sample | null = null;
  #lastDuration = 0;
  readonly #boundaries: number[] = [];

  constructor(opts: SegmenterOptions) {
    this.#opts = opts;
  }

  /** Announces that a segment should start at `dts` (audio following video). */
  addBoundary(dts: number): void {
    this.#boundaries.push(dts);
  }

  /** Adds a sample; returns the parts that became complete. Video waits for a keyframe to start. */
  push(sample: Sample): PartCut[] {
    if (this.#opts.kind === 'video') return this.#pushVideo(sample);
    return this.#pushAudio(sample);
  }

  /** Ends the track: everything pending becomes a last part that ends its segment. */
  flush(): PartCut[] {
    const cuts: PartCut[] = [];
    if (this.#pending) {
      this.#pending.duration = this.#lastDuration || 1;
      this.#part.push(this.#pending);
      this.#pending = null;
    }
    if (this.#part.length > 0) cuts.push(this.#cut(true));
    this.#segmentStartDts = null;
    return cuts;
  }

  #pushVideo(sample: Sample): PartCut[] {
    const cuts: PartCut[] = [];
    const prev = this.#pending;
    if (!prev) {
      if (this.#segmentStartDts === null && !sample.keyframe) return cuts; // a stream starts on a keyframe
      this.#pending = sample;
      this.#startIfIdle(sample.dts);
      return cuts;
    }
    prev.duration = Math.max(1, sample.dts - prev.dts);
    this.#lastDuration = prev.duration;
    this.#part.push(prev);
    this.#pending = sample;
    const segmentAge = sample.dts - (this.#segmentStartDts ?? sample.dts);
    // Half a frame of slack: a 1 s GOP whose timestamps were rounded to milliseconds still cuts every second.
    if (sample.keyframe && segmentAge + prev.duration / 2 >= this.#opts.segmentTargetTicks) {
      cuts.push(this.#cut(true));
      this.#segmentStartDts = sample.dts;
      this.#partStartDts = sample.dts;
    } else if (sample.dts + prev.duration - this.#partStartDts > this.#opts.partTargetTicks) {
      cuts.push(this.#cut(false));
      this.#partStartDts = sample.dts;
    }
    return cuts;
  }

  #pushAudio(sample: Sample): PartCut[] {
    const cuts: PartCut[] = [];
    this.#startIfIdle(sample.dts);
    if (this.#segmentShouldEndBefore(sample.dts)) {
      // An empty cut closes the segment whose last part was already published.
      cuts.push(this.#cut(true));
      this.#segmentStartDts = sample.dts;
      this.#partStartDts = sample.dts;
    }
    if (this.#part.length === 0) this.#partStartDts = sample.dts;
    this.#part.push(sample);
    this.#lastDuration = sample.duration;
    // Close the part now if one more frame of this length would overflow the target: no need to wait for it.
    const partEnd = sample.dts + sample.duration;
    if (partEnd + sample.duration - this.#partStartDts > this.#opts.partTargetTicks) {
      const endsSegment = this.#segmentShouldEndBefore(partEnd);
      cuts.push(this.#cut(endsSegment));
      this.#partStartDts = partEnd;
      if (endsSegment) this.#segmentStartDts = partEnd;
    }
    return cuts;
  }

  #segmentShouldEndBefore(dts: number): boolean {
    const start = this.#segmentStartDts ?? dts;
    if (!this.#opts.followBoundaries) return dts - start >= this.#opts.segmentTargetTicks;
    let due = false;
    while (this.#boundaries.length > 0 && (this.#boundaries[0] ?? Number.POSITIVE_INFINITY) <= dts) {
      this.#boundaries.shift();
      due = true;
    }
    // Without video cuts for a long time (a stalled or very long GOP), audio keeps its own bound.
    return (due && dts > start) || dts - start >= 4 * this.#opts.segmentTargetTicks;
  }

  #startIfIdle(dts: number): void {
    if (this.#segmentStartDts === null) {
      this.#segmentStartDts = dts;
      this.#partStartDts = dts;
    }
  }

  #cut(endsSegment: boolean): PartCut {
    const samples = this.#part;
    this.#part = [];
    const first = samples[0];
    const last = samples[samples.length - 1];
    const startDts = first?.dts ?? this.#partStartDts;
    const durationTicks = last ? last.dts + last.duration - startDts : 0;
    return { samples, startDts, durationTicks, independent: first?.keyframe ?? false, endsSegment };
  }
}
