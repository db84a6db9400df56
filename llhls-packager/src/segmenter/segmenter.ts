/**
 * Cuts a track's samples into LL-HLS parts and segments. Pure: no I/O, no timers; times are in the track's
 * timescale. A part never exceeds the part target; a video segment ends before a keyframe once it has reached the
 * segment target (a longer GOP wins), up to a hard bound: a source that sends no keyframe for that long gets its
 * segment cut anyway, and the next one starts with a frame that is not independent (and is not marked so). Audio
 * segments follow boundaries the caller announces (the video's cuts) so renditions stay aligned, or cut on their
 * own target when there is no video. A following video track (a transcoded rung, whose keyframes are the source's)
 * starts and cuts only at its keyframes that fall on an announced boundary.
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
  /**
   * Cut segments where the caller announces boundaries instead of on the target. Video then starts and cuts only at
   * a keyframe that falls on a boundary (within `boundarySlackTicks` after it: a source with B-frames announces its
   * keyframe's decode time, a B-frame-free rung decodes that frame at its presentation time).
   */
  readonly followBoundaries?: boolean;
  /** Following video: how far after a boundary a keyframe may decode and still start its segment. Default 1/2 target. */
  readonly boundarySlackTicks?: number;
  /**
   * Video only: the longest a segment may grow without a keyframe before it is cut anyway (the next segment then
   * starts with a dependent frame). Default 4 segment targets.
   */
  readonly maxSegmentTicks?: number;
  /** Video only: ask for a keyframe once none has come for this long, and again each time as long. Default 2 targets. */
  readonly keyframeRequestTicks?: number;
  /** Video only: hears that a keyframe is overdue (forward it to the source: a PLI, an encoder request). */
  readonly onKeyframeNeeded?: (sinceKeyframeTicks: number) => void;
}

/** Boundaries announced ahead of a following track's samples; more means the track has stopped taking them. */
const MAX_PENDING_BOUNDARIES = 64;

export class Segmenter {
  readonly #opts: SegmenterOptions;
  #part: Sample[] = [];
  #partStartDts = 0;
  #segmentStartDts: number | null = null;
  /** The open segment began with a keyframe (false after a cut without one). */
  #segmentIndependent = true;
  /** Video: the newest sample, held until the next one tells its duration. */
  #pending: Sample | null = null;
  #lastDuration = 0;
  /** Video: the frame duration, smoothed over the jitter of timestamps rounded to milliseconds (RTMP's). */
  #frameTicks = 0;
  readonly #boundaries: number[] = [];
  /** Following video: the boundary the open stretch of segments started at (the caller numbers segments by it). */
  #startBoundary: number | null = null;
  /** Audio: a segment boundary passed inside the open part; the segment ends with that part. */
  #endAtPartEnd = false;
  readonly #maxSegmentTicks: number;
  readonly #keyframeRequestTicks: number;
  /** Decode time of the newest keyframe (or of the first frame that came without one), and of the newest request. */
  #keyframeDts: number | null = null;
  #requestDts: number | null = null;
  /** Segments cut at the hard bound, without waiting for a keyframe. */
  forcedCuts = 0;

  constructor(opts: SegmenterOptions) {
    this.#opts = opts;
    this.#maxSegmentTicks = opts.maxSegmentTicks ?? 4 * opts.segmentTargetTicks;
    this.#keyframeRequestTicks = opts.keyframeRequestTicks ?? 2 * opts.segmentTargetTicks;
    if (this.#maxSegmentTicks < opts.segmentTargetTicks) {
      throw new RangeError('the longest segment cannot be shorter than the segment target');
    }
  }

  /** Announces that a segment should start at `dts` (a track following the video's cuts). */
  addBoundary(dts: number): void {
    this.#boundaries.push(dts);
    // A track that stopped taking samples (a rung being restarted) must not collect boundaries without bound.
    if (this.#boundaries.length > MAX_PENDING_BOUNDARIES) this.#boundaries.shift();
  }

  /** Following video: the announced boundary the current run of segments started at (null before the first). */
  get startBoundary(): number | null {
    return this.#startBoundary;
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
    this.#keyframeDts = null;
    this.#requestDts = null;
    this.#endAtPartEnd = false;
    return cuts;
  }

  #pushVideo(sample: Sample): PartCut[] {
    const cuts: PartCut[] = [];
    this.#watchKeyframes(sample);
    const prev = this.#pending;
    if (!prev) {
      if (this.#segmentStartDts === null && !sample.keyframe) return cuts; // a stream starts on a keyframe
      if (this.#segmentStartDts === null && this.#opts.followBoundaries) {
        // A following track starts where the track it follows cut, so its segments line up from the first.
        const boundary = this.#takeBoundaries(sample.dts);
        if (boundary === null || sample.dts - boundary > this.#boundarySlack) return cuts;
        this.#startBoundary = boundary;
      }
      if (this.#segmentStartDts === null) this.#segmentIndependent = true;
      this.#pending = sample;
      this.#startIfIdle(sample.dts);
      return cuts;
    }
    prev.duration = Math.max(1, sample.dts - prev.dts);
    this.#lastDuration = prev.duration;
    this.#frameTicks =
      this.#frameTicks === 0 ? prev.duration : this.#frameTicks + (prev.duration - this.#frameTicks) / 8;
    this.#part.push(prev);
    this.#pending = sample;
    const segmentAge = sample.dts - (this.#segmentStartDts ?? sample.dts);
    // Half a frame of slack: a 1 s GOP whose timestamps were rounded to milliseconds still cuts every second.
    const slack = prev.duration / 2;
    // A segment that began without a keyframe ends at the first one: new viewers can start there.
    const due = sample.keyframe
      ? this.#keyframeEndsSegment(sample.dts, segmentAge + slack)
      : segmentAge + slack >= this.#maxSegmentTicks;
    if (due) {
      // Without a keyframe the cut keeps memory and TARGETDURATION bounded; viewers already playing decode on (they
      // hold the references), new ones wait for a keyframe, and the part is honestly not INDEPENDENT.
      if (!sample.keyframe) this.forcedCuts++;
      this.#segmentIndependent = sample.keyframe;
      cuts.push(this.#cut(true));
      this.#segmentStartDts = sample.dts;
      this.#partStartDts = sample.dts;
    } else if (
      // Would the part still fit with this sample? Judged with the smoothed frame duration and an eighth of a frame
      // of slack: with millisecond timestamps (33/34/33 ms at 30 fps) the last frame's own duration sometimes said
      // no at five frames of six, making 167 ms parts (under the 85 % of PART-TARGET that RFC 8216bis requires of
      // a part that does not end its segment) and a one-frame part before each keyframe.
      sample.dts + this.#frameTicks - this.#partStartDts >
      this.#opts.partTargetTicks + this.#frameTicks / 8
    ) {
      cuts.push(this.#cut(false));
      this.#partStartDts = sample.dts;
    }
    return cuts;
  }

  #keyframeEndsSegment(dts: number, age: number): boolean {
    if (!this.#segmentIndependent) return true;
    if (!this.#opts.followBoundaries) return age >= this.#opts.segmentTargetTicks;
    const boundary = this.#takeBoundaries(dts);
    return boundary !== null && dts - boundary <= this.#boundarySlack;
  }

  get #boundarySlack(): number {
    return this.#opts.boundarySlackTicks ?? this.#opts.segmentTargetTicks / 2;
  }

  /** Consumes the announced boundaries at or before `dts`; returns the latest of them (null when none). */
  #takeBoundaries(dts: number): number | null {
    let latest: number | null = null;
    while (this.#boundaries.length > 0 && (this.#boundaries[0] ?? Number.POSITIVE_INFINITY) <= dts) {
      latest = this.#boundaries.shift() ?? null;
    }
    return latest;
  }

  /**
   * Asks for a keyframe when none has come for a while (inside a long segment, or while waiting for the first one),
   * then again at the same interval until one does.
   */
  #watchKeyframes(sample: Sample): void {
    if (sample.keyframe || this.#keyframeDts === null) {
      this.#keyframeDts = sample.dts;
      this.#requestDts = null;
      return;
    }
    const since = sample.dts - this.#keyframeDts;
    const last = this.#requestDts ?? this.#keyframeDts;
    if (sample.dts - last < this.#keyframeRequestTicks) return;
    this.#requestDts = sample.dts;
    this.#opts.onKeyframeNeeded?.(since);
  }

  #pushAudio(sample: Sample): PartCut[] {
    const cuts: PartCut[] = [];
    this.#startIfIdle(sample.dts);
    if (this.#segmentShouldEndBefore(sample.dts)) {
      if (this.#part.length === 0) {
        // An empty cut closes the segment whose last part was already published.
        cuts.push(this.#cut(true));
        this.#segmentStartDts = sample.dts;
        this.#partStartDts = sample.dts;
      } else {
        // The video's boundary fell inside this part: the audio segment ends when the part is full, up to one part
        // after the video's, rather than with a short tail. hls.js counts a fragment within 0.2 s of the buffered
        // range as loaded, so a 40 ms last part could be skipped for good: a hole in the audio buffer and a stall.
        this.#endAtPartEnd = true;
      }
    }
    if (this.#part.length === 0) this.#partStartDts = sample.dts;
    this.#part.push(sample);
    this.#lastDuration = sample.duration;
    // Close the part now if one more frame of this length would overflow the target: no need to wait for it.
    const partEnd = sample.dts + sample.duration;
    if (partEnd + sample.duration - this.#partStartDts > this.#opts.partTargetTicks) {
      const endsSegment = this.#segmentShouldEndBefore(partEnd) || this.#endAtPartEnd;
      this.#endAtPartEnd = false;
      cuts.push(this.#cut(endsSegment));
      this.#partStartDts = partEnd;
      if (endsSegment) this.#segmentStartDts = partEnd;
    }
    return cuts;
  }

  #segmentShouldEndBefore(dts: number): boolean {
    const start = this.#segmentStartDts ?? dts;
    if (!this.#opts.followBoundaries) return dts - start >= this.#opts.segmentTargetTicks;
    const due = this.#takeBoundaries(dts) !== null;
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
