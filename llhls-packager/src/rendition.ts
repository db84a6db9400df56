import { writeFragment } from './fmp4/index.ts';
import type { MediaPlaylistModel, PartModel, RenditionReportModel, SegmentModel } from './playlist/model.ts';
import { type PartCut, type Sample, Segmenter } from './segmenter/segmenter.ts';
import type { SegmentSink } from './storage/sink.ts';
import { Listeners } from './util/listeners.ts';

export interface RenditionOptions {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly timescale: number;
  readonly partTargetSec: number;
  readonly segmentTargetSec: number;
  /** Complete segments kept in the playlist and in memory. */
  readonly windowSegments: number;
  /** PART-HOLD-BACK in part targets (the spec asks for at least 3). */
  readonly partHoldBackParts: number;
  /** Audio beside video cuts where the video cut. */
  readonly followBoundaries: boolean;
  /** Wall time (ms) of a decode time in this track's timescale. */
  readonly wallMs: (dts: number) => number;
  readonly sink?: SegmentSink | undefined;
}

export interface StoredPart extends PartModel {
  readonly id: number;
  readonly bytes: Uint8Array;
}

interface StoredSegment extends SegmentModel {
  readonly parts: readonly StoredPart[];
  readonly bytes: number;
}

interface OpenSegment {
  readonly msn: number;
  readonly programDateTimeMs: number;
  readonly discontinuity: boolean;
  readonly mapUri: string;
  readonly parts: StoredPart[];
}

/** Where a rendition stands: its newest segment and newest part index within it (-1 when it has none yet). */
export interface Position {
  readonly msn: number;
  readonly part: number;
}

/** Keep EXT-X-PART lines for segments within about three target durations of the end (RFC 8216bis 6.2.2). */
const PART_LINES_TARGET_DURATIONS = 3;

/**
 * One track's LL-HLS output: init segment, a sliding window of segments made of parts, and the model its playlist
 * renders from. Listeners hear of every new part and of the end.
 */
export class Rendition {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly timescale: number;
  readonly #opts: RenditionOptions;
  readonly #segmenter: Segmenter;
  #init: { bytes: Uint8Array; uri: string; version: number } | null = null;
  /** Every init segment this rendition has had (few: one per reconfiguration), for segments that still need them. */
  readonly #inits = new Map<string, Uint8Array>();
  readonly #segments: StoredSegment[] = [];
  readonly #parts = new Map<number, StoredPart>();
  #open: OpenSegment | null = null;
  #nextMsn = 0;
  #nextPartId = 0;
  #fragmentSequence = 1;
  #discontinuityPending = false;
  #discontinuitySequence = 0;
  #maxSegmentSec = 0;
  #ended = false;
  #bitsInWindow = 0;
  #peakBitrate = 0;
  readonly #listeners = new Listeners('rendition');
  /** Decode time where the next segment starts, reported to whoever aligns other renditions. */
  onSegmentBoundary: ((dts: number) => void) | null = null;

  constructor(opts: RenditionOptions) {
    this.#opts = opts;
    this.name = opts.name;
    this.kind = opts.kind;
    this.timescale = opts.timescale;
    this.#segmenter = new Segmenter({
      kind: opts.kind,
      partTargetTicks: Math.floor(opts.partTargetSec * opts.timescale),
      segmentTargetTicks: Math.round(opts.segmentTargetSec * opts.timescale),
      followBoundaries: opts.followBoundaries,
    });
  }

  get init(): { readonly bytes: Uint8Array; readonly uri: string } | null {
    return this.#init;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** A new init segment; a changed one starts a new segment with a new EXT-X-MAP. */
  setInit(bytes: Uint8Array): void {
    if (this.#init && Buffer.compare(this.#init.bytes, bytes) === 0) return;
    if (this.#init) this.#flush();
    const version = (this.#init?.version ?? -1) + 1;
    this.#init = { bytes, uri: `init${version}.mp4`, version };
    this.#inits.set(this.#init.uri, bytes);
  }

  initByUri(uri: string): Uint8Array | undefined {
    return this.#inits.get(uri);
  }

  addBoundary(dts: number): void {
    this.#segmenter.addBoundary(dts);
  }

  push(sample: Sample): void {
    if (this.#ended || !this.#init) return;
    for (const cut of this.#segmenter.push(sample)) this.#addCut(cut);
  }

  /** The next sample starts a new segment after an EXT-X-DISCONTINUITY (a publisher reconnected). */
  discontinuity(): void {
    this.#flush();
    if (this.#segments.length > 0) this.#discontinuityPending = true;
  }

  /** No more media: the last part is cut and EXT-X-ENDLIST is written. */
  end(): void {
    if (this.#ended) return;
    this.#flush();
    this.#ended = true;
    this.#listeners.emit();
  }

  onChange(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  /** The newest part, or (-1, -1) before the first. */
  get position(): Position {
    const open = this.#open;
    if (open && open.parts.length > 0) return { msn: open.msn, part: open.parts.length - 1 };
    const last = this.#segments[this.#segments.length - 1];
    return last ? { msn: last.msn, part: last.parts.length - 1 } : { msn: -1, part: -1 };
  }

  /** The part that comes next (the one the preload hint names), as segment and part index. */
  get nextPosition(): Position {
    const open = this.#open;
    return open ? { msn: open.msn, part: open.parts.length } : { msn: this.#nextMsn, part: 0 };
  }

  /** Newest complete segment's MSN, -1 before the first. */
  get lastCompleteMsn(): number {
    return this.#segments[this.#segments.length - 1]?.msn ?? -1;
  }

  get firstMsn(): number {
    return this.#segments[0]?.msn ?? this.#open?.msn ?? this.#nextMsn;
  }

  /** Global id of the part the preload hint names. */
  get nextPartId(): number {
    return this.#nextPartId;
  }

  get targetDurationSec(): number {
    return Math.max(Math.ceil(this.#opts.segmentTargetSec - 1e-9), Math.round(this.#maxSegmentSec));
  }

  /** Peak and average bitrate over the window (bits/s), for the multivariant playlist. */
  get bitrate(): { peak: number; average: number } {
    const seconds = this.#segments.reduce((sum, s) => sum + s.durationSec, 0);
    const average = seconds > 0 ? this.#bitsInWindow / seconds : 0;
    if (seconds > 0) return { peak: Math.max(this.#peakBitrate, average), average };
    // Before the first complete segment, estimate from the parts so far.
    const parts = this.#open?.parts ?? [];
    const partSec = parts.reduce((sum, p) => sum + p.durationSec, 0);
    const bits = parts.reduce((sum, p) => sum + p.bytes.byteLength * 8, 0);
    const estimate = partSec > 0 ? bits / partSec : 0;
    return { peak: estimate, average: estimate };
  }

  part(id: number): StoredPart | undefined {
    return this.#parts.get(id);
  }

  segment(msn: number): StoredSegment | undefined {
    const first = this.#segments[0];
    return first ? this.#segments[msn - first.msn] : undefined;
  }

  model(reports: readonly RenditionReportModel[]): MediaPlaylistModel {
    const target = this.targetDurationSec;
    const open = this.#open;
    // Segments that start within three target durations of the playlist's end (its open segment included).
    let partsForLastSegments = 0;
    let sec = open?.parts.reduce((sum, p) => sum + p.durationSec, 0) ?? 0;
    // ...and, as strict readers count it, at most three segments in all: the open one (or the one the preload hint
    // opens) is the third.
    const maxSegments = PART_LINES_TARGET_DURATIONS - 1;
    for (let i = this.#segments.length - 1; i >= 0 && partsForLastSegments < maxSegments; i--) {
      sec += this.#segments[i]?.durationSec ?? 0;
      if (sec > PART_LINES_TARGET_DURATIONS * target + 1e-6) break;
      partsForLastSegments++;
    }
    return {
      targetDurationSec: target,
      partTargetSec: this.#opts.partTargetSec,
      partHoldBackSec: this.#opts.partHoldBackParts * this.#opts.partTargetSec,
      canSkipUntilSec: 6 * target,
      mediaSequence: this.firstMsn,
      discontinuitySequence: this.#discontinuitySequence,
      segments: this.#segments,
      current: open,
      preloadHintUri: this.#ended ? null : partUri(this.#nextPartId),
      partsForLastSegments,
      renditionReports: reports,
      ended: this.#ended,
    };
  }

  #flush(): void {
    for (const cut of this.#segmenter.flush()) this.#addCut(cut);
  }

  #addCut(cut: PartCut): void {
    const init = this.#init;
    if (!init) return;
    if (cut.samples.length > 0) {
      const open = this.#openSegment(cut.startDts, init.uri);
      const bytes = writeFragment({
        sequenceNumber: this.#fragmentSequence++,
        tracks: [{ trackId: 1, baseMediaDecodeTime: cut.startDts, samples: cut.samples }],
      });
      const id = this.#nextPartId++;
      const part: StoredPart = {
        id,
        uri: partUri(id),
        bytes,
        durationSec: cut.durationTicks / this.timescale,
        independent: cut.independent,
      };
      open.parts.push(part);
      this.#parts.set(id, part);
    }
    if (cut.endsSegment) {
      const boundary = cut.startDts + cut.durationTicks;
      this.#closeSegment();
      this.onSegmentBoundary?.(boundary);
    }
    this.#listeners.emit();
  }

  #openSegment(startDts: number, mapUri: string): OpenSegment {
    if (this.#open) return this.#open;
    this.#open = {
      msn: this.#nextMsn++,
      programDateTimeMs: this.#opts.wallMs(startDts),
      discontinuity: this.#discontinuityPending,
      mapUri,
      parts: [],
    };
    this.#discontinuityPending = false;
    return this.#open;
  }

  #closeSegment(): void {
    const open = this.#open;
    if (!open || open.parts.length === 0) return;
    this.#open = null;
    const durationSec = open.parts.reduce((sum, p) => sum + p.durationSec, 0);
    const bytes = open.parts.reduce((sum, p) => sum + p.bytes.byteLength, 0);
    const segment: StoredSegment = { ...open, uri: `s${open.msn}.m4s`, durationSec, bytes };
    this.#segments.push(segment);
    this.#maxSegmentSec = Math.max(this.#maxSegmentSec, durationSec);
    this.#bitsInWindow += bytes * 8;
    if (durationSec > 0) this.#peakBitrate = Math.max(this.#peakBitrate, (bytes * 8) / durationSec);
    while (this.#segments.length > this.#opts.windowSegments) {
      const gone = this.#segments.shift();
      if (!gone) break;
      this.#bitsInWindow -= gone.bytes * 8;
      if (gone.discontinuity) this.#discontinuitySequence++;
      for (const part of gone.parts) this.#parts.delete(part.id);
    }
    const init = this.#init;
    if (init && this.#opts.sink) {
      try {
        this.#opts.sink.onSegment({
          rendition: this.name,
          msn: segment.msn,
          durationSec,
          programDateTimeMs: segment.programDateTimeMs,
          discontinuity: segment.discontinuity,
          init: init.bytes,
          parts: segment.parts.map((p) => p.bytes),
        });
      } catch (error) {
        // A failing sink must not stop the live stream; the packager's owner logs through its own sink wrapper.
        process.emitWarning(`segment sink failed for ${this.name}/${segment.msn}: ${String(error)}`);
      }
    }
  }
}

export function partUri(id: number): string {
  return `p${id}.m4s`;
}
