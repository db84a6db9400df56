import { Listeners, type Logger, silentLogger } from '@glint/media-core';
import { writeFragment } from './fmp4/index.ts';
import type { MediaPlaylistModel, PartModel, RenditionReportModel, SegmentModel } from './playlist/model.ts';
import { type PartCut, type Sample, Segmenter } from './segmenter/segmenter.ts';
import type { SegmentSink } from './storage/sink.ts';

export interface RenditionOptions {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly timescale: number;
  /**
   * Folder of every media URI (init, parts, segments), relative to the playlist: one per broadcast, so a URI served
   * `immutable` never names other bytes later (a new broadcast restarts the numbering in a new folder).
   */
  readonly uriFolder: string;
  readonly partTargetSec: number;
  readonly segmentTargetSec: number;
  /** Video: the longest a segment grows without a keyframe before it is cut anyway. */
  readonly maxSegmentSec: number;
  /** Video: a keyframe is asked for once none has come for this long. */
  readonly keyframeRequestSec: number;
  readonly onKeyframeNeeded?: (sinceKeyframeSec: number) => void;
  /** The window's length in target durations (its complete segments, kept in the playlist and in memory). */
  readonly windowTargetDurations: number;
  /** ...and at most this many segments, however short they are. */
  readonly maxWindowSegments: number;
  /** Where numbering starts: a rendition that replaces another continues its numbers instead of reusing them. */
  readonly start?: RenditionStart;
  /** PART-HOLD-BACK in part targets (the spec asks for at least 3). */
  readonly partHoldBackParts: number;
  /** Audio beside video, or a transcoded rung, cuts where the video cut. */
  readonly followBoundaries: boolean;
  /**
   * A following video track numbers its segments as the track it follows does: the MSN of that track's segment that
   * starts at a boundary. When the track starts (again) later than where its numbering stands, the missed segments
   * are listed as EXT-X-GAP, lasting as long as the followed track's (`gapDurationSec`), so MSNs stay aligned.
   */
  readonly alignTo?: {
    readonly msnAt: (boundaryDts: number) => number | undefined;
    readonly gapDurationSec: (msn: number) => number;
  };
  /** Wall time (ms) of a decode time in this track's timescale. */
  readonly wallMs: (dts: number) => number;
  readonly sink?: SegmentSink | undefined;
  /** Where a failing sink or listener is reported; default silent. */
  readonly logger?: Logger;
}

export interface StoredPart extends PartModel {
  readonly id: number;
  readonly bytes: Uint8Array;
}

export interface StoredSegment extends SegmentModel {
  /** Listed with EXT-X-GAP: a following track had no media for it (its transcoder was restarting). No bytes. */
  readonly gap?: boolean;
  /** Its parts while they are recent enough to be listed or fetched; empty once only the segment is kept. */
  readonly parts: readonly StoredPart[];
  /** The segment: its parts' bytes, concatenated once when it completes (the parts are views into it). */
  readonly bytes: Uint8Array;
}

/** The numbers a rendition starts from; see `Rendition.successorStart`. */
export interface RenditionStart {
  readonly msn: number;
  readonly partId: number;
  readonly fragmentSequence: number;
  readonly initVersion: number;
  readonly discontinuitySequence: number;
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
 * Complete segments whose parts stay fetchable: the two whose parts are listed, and two more for clients holding a
 * playlist a segment or two old. Older segments keep only their bytes.
 */
const SEGMENTS_WITH_PARTS = 4;

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
  #init: { bytes: Uint8Array; uri: string } | null = null;
  #initVersion: number;
  /** The init segments that the window's segments, the open one or the next one still need. */
  readonly #inits = new Map<string, Uint8Array>();
  readonly #segments: StoredSegment[] = [];
  readonly #parts = new Map<number, StoredPart>();
  #open: OpenSegment | null = null;
  #nextMsn: number;
  #nextPartId: number;
  #fragmentSequence: number;
  #discontinuityPending: boolean;
  #discontinuitySequence: number;
  #maxSegmentSec = 0;
  #ended = false;
  readonly #partTargetTicks: number;
  /** A segment's short last part waiting for the next part (see #addCut). */
  #heldPart: PartCut | null = null;
  #bitsInWindow = 0;
  #windowSec = 0;
  #peakBitrate = 0;
  readonly #log: Logger;
  readonly #listeners: Listeners;
  /**
   * Decode time where the next segment starts, and that segment's MSN, reported to whoever aligns other renditions.
   */
  onSegmentBoundary: ((dts: number, msn: number) => void) | null = null;
  /** A following track's next segment is the first of a run: it takes its MSN from `alignTo`. */
  #aligning = true;

  constructor(opts: RenditionOptions) {
    this.#opts = opts;
    this.name = opts.name;
    this.kind = opts.kind;
    this.timescale = opts.timescale;
    this.#log = opts.logger ?? silentLogger;
    this.#listeners = new Listeners('rendition', this.#log);
    const start = opts.start;
    this.#nextMsn = start?.msn ?? 0;
    this.#nextPartId = start?.partId ?? 0;
    this.#fragmentSequence = start?.fragmentSequence ?? 1;
    this.#initVersion = start?.initVersion ?? 0;
    this.#discontinuitySequence = start?.discontinuitySequence ?? 0;
    // A rendition that replaces another starts after a discontinuity: its timestamps and init differ.
    this.#discontinuityPending = start !== undefined;
    const onKeyframeNeeded = opts.onKeyframeNeeded;
    this.#partTargetTicks = Math.floor(opts.partTargetSec * opts.timescale);
    this.#segmenter = new Segmenter({
      kind: opts.kind,
      partTargetTicks: this.#partTargetTicks,
      segmentTargetTicks: Math.round(opts.segmentTargetSec * opts.timescale),
      maxSegmentTicks: Math.round(opts.maxSegmentSec * opts.timescale),
      keyframeRequestTicks: Math.round(opts.keyframeRequestSec * opts.timescale),
      followBoundaries: opts.followBoundaries,
      ...(onKeyframeNeeded ? { onKeyframeNeeded: (ticks: number) => onKeyframeNeeded(ticks / opts.timescale) } : {}),
    });
  }

  /**
   * The numbers a rendition that replaces this one (same name, new timescale) starts from, so no URI or MSN repeats;
   * this window's discontinuities count as removed.
   */
  get successorStart(): RenditionStart {
    const gone = this.#segments.filter((s) => s.discontinuity).length + (this.#open?.discontinuity ? 1 : 0);
    return {
      msn: this.#nextMsn,
      partId: this.#nextPartId,
      fragmentSequence: this.#fragmentSequence,
      initVersion: this.#initVersion,
      discontinuitySequence: this.#discontinuitySequence + gone,
    };
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
    this.#init = { bytes, uri: `${this.#opts.uriFolder}/init${this.#initVersion++}.mp4` };
    this.#inits.set(this.#init.uri, bytes);
    this.#pruneInits();
  }

  /** The folder this rendition's media URIs live in (its broadcast's). */
  get uriFolder(): string {
    return this.#opts.uriFolder;
  }

  initByUri(uri: string): Uint8Array | undefined {
    return this.#inits.get(uri);
  }

  /** Init segments held: those the window still references, and the current one. */
  get initCount(): number {
    return this.#inits.size;
  }

  /** Parts held in memory (fetchable by URI). */
  get heldParts(): number {
    return this.#parts.size;
  }

  /** The oldest part still held (fetchable): parts held are the ids from this one to `nextPartId - 1`. */
  get firstHeldPartId(): number {
    for (const segment of this.#segments) {
      const first = segment.parts[0];
      if (first) return first.id;
    }
    return this.#open?.parts[0]?.id ?? this.#nextPartId;
  }

  /** Media bytes held: the window's segments and the open segment's parts. */
  get heldBytes(): number {
    const open = this.#open?.parts.reduce((n, p) => n + p.bytes.byteLength, 0) ?? 0;
    return this.#segments.reduce((n, s) => n + s.bytes.byteLength, open);
  }

  /** Segments cut without a keyframe because the source sent none for the longest segment's duration. */
  get forcedCuts(): number {
    return this.#segmenter.forcedCuts;
  }

  addBoundary(dts: number): void {
    this.#segmenter.addBoundary(dts);
  }

  push(sample: Sample): void {
    if (this.#ended || !this.#init) return;
    for (const cut of this.#segmenter.push(sample)) this.#addCut(cut, true);
  }

  /** The next sample starts a new segment after an EXT-X-DISCONTINUITY (a publisher reconnected). */
  discontinuity(): void {
    this.#flush();
    if (this.#segments.length > 0) this.#discontinuityPending = true;
  }

  /**
   * The track's media stops for now (a transcoder died) without a discontinuity: what is pending is cut, and the track
   * starts again at its next keyframe on a boundary, its MSNs realigned (see `alignTo`).
   */
  pause(): void {
    if (this.#ended) return;
    this.#flush();
    this.#aligning = true;
    this.#listeners.emit();
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

  /**
   * Never below any segment's duration rounded to the nearest integer (RFC 8216bis 4.4.3.1), the open segment's
   * included: a long GOP raises it before its segment completes. The hard segment bound caps it.
   */
  get targetDurationSec(): number {
    const openSec = this.#open?.parts.reduce((sum, p) => sum + p.durationSec, 0) ?? 0;
    return Math.max(
      Math.ceil(this.#opts.segmentTargetSec - 1e-9),
      Math.round(this.#maxSegmentSec),
      Math.round(openSec),
    );
  }

  /** Peak and average bitrate over the window (bits/s), for the multivariant playlist. */
  get bitrate(): { peak: number; average: number } {
    const seconds = this.#windowSec;
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
    const segment = first ? this.#segments[msn - first.msn] : undefined;
    return segment?.gap ? undefined : segment;
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
      preloadHintUri: this.#ended ? null : this.#partUri(this.#nextPartId),
      partsForLastSegments,
      renditionReports: reports,
      ended: this.#ended,
    };
  }

  #flush(): void {
    for (const cut of this.#segmenter.flush()) this.#addCut(cut, false);
    this.#releaseHeldPart();
  }

  /**
   * A segment's last part that its end cut short (a keyframe came soon after a part was cut) is published with the
   * next part, not at once: a player then sees the segment complete no sooner than a full part after the part before
   * it. hls.js (1.7) counts a segment as loaded once its buffer reaches within 0.2 s of the segment's end; when that
   * part is buffered after a playlist already showed the segment complete, it never asks for the short last part and
   * idles on that segment until its parts leave the playlist, two segments later: a stall (WHIP, whose keyframes
   * answer keyframe requests, ends most segments a frame or two past a part; AAC's 21 ms frames end them short too).
   * Other renditions hear of the boundary at once, so they still cut where this one does.
   */
  #addCut(cut: PartCut, mayHold: boolean): void {
    // A held part and the one that releases it appear in one change: no playlist shows the one without the other.
    const released = this.#takeHeldPart();
    if (released) this.#publishCut(released, false, false);
    const last = cut.samples[cut.samples.length - 1];
    const cutShort = last !== undefined && cut.durationTicks + last.duration <= this.#partTargetTicks;
    if (mayHold && cut.endsSegment && cutShort) {
      this.#heldPart = cut;
      // The held part's segment is open (earlier parts were published) or opens with it: the next one follows it.
      this.onSegmentBoundary?.(cut.startDts + cut.durationTicks, (this.#open?.msn ?? this.#nextMsn) + 1);
      if (released) this.#listeners.emit();
      return;
    }
    this.#publishCut(cut, true, true);
  }

  #takeHeldPart(): PartCut | null {
    const held = this.#heldPart;
    this.#heldPart = null;
    return held;
  }

  #releaseHeldPart(): void {
    const held = this.#takeHeldPart();
    if (held) this.#publishCut(held, false, true);
  }

  #publishCut(cut: PartCut, announceBoundary: boolean, emit: boolean): void {
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
        uri: this.#partUri(id),
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
      if (announceBoundary) this.onSegmentBoundary?.(boundary, this.#nextMsn);
    }
    if (emit) this.#listeners.emit();
  }

  #openSegment(startDts: number, mapUri: string): OpenSegment {
    if (this.#open) return this.#open;
    if (this.#aligning) this.#align();
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

  /** A following track's first segment of a run takes the followed track's MSN; the segments it missed are gaps. */
  #align(): void {
    this.#aligning = false;
    const align = this.#opts.alignTo;
    const boundary = this.#segmenter.startBoundary;
    const msn = align && boundary !== null ? align.msnAt(boundary) : undefined;
    if (!align || msn === undefined || msn <= this.#nextMsn) return;
    if (this.#segments.length === 0) {
      this.#nextMsn = msn;
      return;
    }
    const last = this.#segments[this.#segments.length - 1];
    const mapUri = last?.mapUri ?? this.#init?.uri ?? '';
    let programDateTimeMs = last ? last.programDateTimeMs + last.durationSec * 1000 : 0;
    // Bounded by the window: older gap segments slide out as soon as they are added.
    for (let gap = Math.max(this.#nextMsn, msn - this.#opts.maxWindowSegments); gap < msn; gap++) {
      const durationSec = align.gapDurationSec(gap);
      programDateTimeMs += durationSec * 1000;
      this.#segments.push({
        msn: gap,
        uri: `${this.#opts.uriFolder}/s${gap}.m4s`,
        durationSec,
        programDateTimeMs: programDateTimeMs - durationSec * 1000,
        discontinuity: false,
        mapUri,
        parts: [],
        bytes: new Uint8Array(0),
        gap: true,
      });
      this.#windowSec += durationSec;
    }
    this.#nextMsn = msn;
    this.#slideWindow();
  }

  #closeSegment(): void {
    const open = this.#open;
    if (!open || open.parts.length === 0) return;
    this.#open = null;
    const durationSec = open.parts.reduce((sum, p) => sum + p.durationSec, 0);
    // One buffer per segment; the parts become views into it, so holding both costs nothing extra.
    const bytes = Buffer.concat(open.parts.map((p) => p.bytes));
    let offset = 0;
    const parts = open.parts.map((p): StoredPart => {
      const view = bytes.subarray(offset, offset + p.bytes.byteLength);
      offset += p.bytes.byteLength;
      const part = { ...p, bytes: view };
      this.#parts.set(part.id, part);
      return part;
    });
    const segment: StoredSegment = {
      ...open,
      parts,
      uri: `${this.#opts.uriFolder}/s${open.msn}.m4s`,
      durationSec,
      bytes,
    };
    this.#segments.push(segment);
    this.#maxSegmentSec = Math.max(this.#maxSegmentSec, durationSec);
    this.#bitsInWindow += bytes.byteLength * 8;
    this.#windowSec += durationSec;
    if (durationSec > 0) this.#peakBitrate = Math.max(this.#peakBitrate, (bytes.byteLength * 8) / durationSec);
    this.#archive(segment);
    this.#slideWindow();
  }

  /**
   * Keeps the window at `windowTargetDurations` (by default three times the skip boundary, so delta updates skip),
   * at most `maxWindowSegments`, and never under three target durations; older parts are dropped, their segments'
   * bytes kept.
   */
  #slideWindow(): void {
    const target = this.targetDurationSec;
    const keepSec = Math.max(3, this.#opts.windowTargetDurations) * target;
    for (;;) {
      const oldest = this.#segments[0];
      if (!oldest) break;
      const tooMany = this.#segments.length > this.#opts.maxWindowSegments;
      if (!tooMany && this.#windowSec - oldest.durationSec < keepSec) break;
      this.#segments.shift();
      this.#bitsInWindow -= oldest.bytes.byteLength * 8;
      this.#windowSec -= oldest.durationSec;
      if (oldest.discontinuity) this.#discontinuitySequence++;
      this.#dropParts(oldest);
    }
    const older = this.#segments.length - SEGMENTS_WITH_PARTS - 1;
    for (let i = older; i >= 0; i--) {
      const segment = this.#segments[i];
      if (!segment || segment.parts.length === 0) break;
      this.#dropParts(segment);
      this.#segments[i] = { ...segment, parts: [] };
    }
    this.#pruneInits();
  }

  #dropParts(segment: StoredSegment): void {
    for (const part of segment.parts) this.#parts.delete(part.id);
  }

  /** Forgets init segments no segment in the window (nor the open or next one) refers to. */
  #pruneInits(): void {
    if (this.#inits.size <= 1) return;
    const used = new Set(this.#segments.map((s) => s.mapUri));
    if (this.#open) used.add(this.#open.mapUri);
    if (this.#init) used.add(this.#init.uri);
    for (const uri of this.#inits.keys()) if (!used.has(uri)) this.#inits.delete(uri);
  }

  #archive(segment: StoredSegment): void {
    const init = this.#inits.get(segment.mapUri);
    if (!init || !this.#opts.sink) return;
    try {
      this.#opts.sink.onSegment({
        broadcastId: this.#opts.uriFolder,
        rendition: this.name,
        msn: segment.msn,
        durationSec: segment.durationSec,
        programDateTimeMs: segment.programDateTimeMs,
        discontinuity: segment.discontinuity,
        init,
        parts: segment.parts.map((p) => p.bytes),
      });
    } catch (error) {
      // A failing sink must not stop the live stream: report it and go on.
      this.#log.warn(
        { err: error, rendition: this.name, msn: segment.msn },
        'segment sink failed; segment not archived',
      );
    }
  }

  #partUri(id: number): string {
    return `${this.#opts.uriFolder}/p${id}.m4s`;
  }
}
