import { randomBytes } from 'node:crypto';
import {
  type AudioConfig,
  type AudioFrame,
  type Clock,
  type H264Config,
  Listeners,
  type Logger,
  silentLogger,
  type VideoAccessUnit,
} from '@glint/media-core';
import {
  aacCodecString,
  avcCodecString,
  NalType,
  nalType,
  OPUS_CODEC_STRING,
  opusPacketSamples,
  parseAudioSpecificConfig,
  parseSps,
  splitAnnexB,
  splitLengthPrefixed,
  toLengthPrefixed,
} from '@glint/media-core/codec';
import { writeInitSegment } from './fmp4/index.ts';
import type { MultivariantModel, RenditionReportModel, VariantModel } from './playlist/model.ts';
import { Rendition, type RenditionOptions } from './rendition.ts';
import type { SegmentSink } from './storage/sink.ts';

export interface PackagerOptions {
  /** Part target duration (PART-TARGET), default 200 ms. */
  readonly partTargetMs?: number;
  /** Segment target; segments cut at the first keyframe after it (a longer GOP wins). Default 1000 ms. */
  readonly segmentTargetMs?: number;
  /**
   * The longest a video segment grows without a keyframe; past it the segment is cut anyway and the next one starts
   * with a frame that is not independent (and is not marked so). Bounds memory, the playlist and TARGETDURATION
   * when a source sends no keyframes. Default 4 segment targets.
   */
  readonly maxSegmentMs?: number;
  /** Keyframe requests (`onKeyframeNeeded`) start once none has come for this long; default 2 segment targets. */
  readonly keyframeRequestMs?: number;
  /**
   * The live window in target durations; default 18: three times the skip boundary (CAN-SKIP-UNTIL is six target
   * durations), so a delta update leaves out two thirds of the playlist.
   */
  readonly windowTargetDurations?: number;
  /** At most this many complete segments per rendition, however short they are; default 72. */
  readonly maxWindowSegments?: number;
  /**
   * This broadcast's id: the folder of every media URI, so URIs (served immutable) never repeat across broadcasts.
   * Letters, digits, `_` and `-`; default a fresh time-ordered random id.
   */
  readonly broadcastId?: string;
  /** PART-HOLD-BACK in part targets; default 3, the spec's minimum recommendation. */
  readonly partHoldBackParts?: number;
  /** Which tracks the stream carries; the multivariant playlist waits for these. Default both. */
  readonly expect?: { readonly video: boolean; readonly audio: boolean };
  readonly clock?: Clock;
  readonly sink?: SegmentSink;
  /** Names of the renditions (URI folders); defaults 'video' and 'audio'. */
  readonly names?: { readonly video: string; readonly audio: string };
  /** Where problems are reported (a listener that throws, a failing sink); default silent. */
  readonly logger?: Logger;
}

interface VideoState {
  readonly rendition: Rendition;
  codecString: string;
  width: number;
  height: number;
  frameRate: number | undefined;
  sps: Uint8Array;
  pps: Uint8Array;
}

interface AudioState {
  readonly rendition: Rendition;
  readonly codec: 'aac' | 'opus';
  readonly codecString: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** Decode time (sample-rate ticks) the next frame should have, for gapless timestamps. */
  nextDts: number | null;
}

const AUDIO_GROUP = 'audio';
const BROADCAST_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A rendition's name is its URI folder. */
const RENDITION_NAME = /^[A-Za-z0-9_-]{1,32}$/;
/** Source segment boundaries remembered (decode time → MSN), for rungs that start or restart after them. */
const BOUNDARY_LOG = 32;
/** Transcoded renditions beside the source's video. */
const MAX_RUNGS = 8;

/** A rendition has gone `sinceKeyframeSec` without a keyframe. */
export interface KeyframeRequest {
  readonly rendition: 'video' | 'audio';
  readonly sinceKeyframeSec: number;
}

/** Time-ordered (start time in base 36) and random, so two broadcasts never share one even in the same millisecond. */
export function newBroadcastId(nowMs: number): string {
  return `${Math.max(0, Math.floor(nowMs)).toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * A live LL-HLS packager for one stream: H.264 and AAC/Opus access units in, CMAF parts, segments and playlist models
 * out. Knows no protocol and does no I/O; the HTTP face in `server/` reads from it.
 */
export class LivePackager {
  readonly #opts: Required<Omit<PackagerOptions, 'sink' | 'expect'>> & { sink: SegmentSink | undefined };
  readonly #keyframeListeners: Listeners<[KeyframeRequest]>;
  #expect: { readonly video: boolean; readonly audio: boolean };
  #video: VideoState | null = null;
  #audio: AudioState | null = null;
  /** Input timestamp (90 kHz) that maps to `#offset90k` on our timeline. */
  #origin90k: number | null = null;
  #offset90k = 0;
  #anchorWallMs = 0;
  /** Furthest end of media written, on our timeline, to continue after a discontinuity. */
  #end90k = 0;
  readonly #listeners: Listeners;
  /** Transcoded video renditions (a ladder's rungs), in the order added: highest first. */
  readonly #rungs = new Map<string, VideoState>();
  #expectRungs: () => readonly string[] = () => [];
  /** The source video's recent segment boundaries and the MSN of the segment each starts. */
  readonly #boundaries: { readonly dts: number; readonly msn: number }[] = [];
  droppedSamples = 0;

  constructor(options: PackagerOptions = {}) {
    const segmentTargetMs = options.segmentTargetMs ?? 1000;
    const clock = options.clock ?? Date.now;
    this.#opts = {
      partTargetMs: options.partTargetMs ?? 200,
      segmentTargetMs,
      maxSegmentMs: options.maxSegmentMs ?? 4 * segmentTargetMs,
      keyframeRequestMs: options.keyframeRequestMs ?? 2 * segmentTargetMs,
      windowTargetDurations: options.windowTargetDurations ?? 18,
      maxWindowSegments: options.maxWindowSegments ?? 72,
      broadcastId: options.broadcastId ?? newBroadcastId(clock()),
      partHoldBackParts: options.partHoldBackParts ?? 3,
      clock,
      sink: options.sink,
      names: options.names ?? { video: 'video', audio: 'audio' },
      logger: options.logger ?? silentLogger,
    };
    this.#keyframeListeners = new Listeners('keyframe request', this.#opts.logger);
    this.#listeners = new Listeners('packager', this.#opts.logger);
    this.#expect = options.expect ?? { video: true, audio: true };
    if (this.#opts.partHoldBackParts < 2) throw new RangeError('PART-HOLD-BACK must be at least 2 part targets');
    if (this.#opts.maxSegmentMs < segmentTargetMs) {
      throw new RangeError('maxSegmentMs must be at least the segment target');
    }
    if (this.#opts.windowTargetDurations < 7) {
      throw new RangeError('the window must be longer than the skip boundary (6 target durations): at least 7');
    }
    if (this.#opts.maxWindowSegments < 3) throw new RangeError('the window needs room for at least 3 segments');
    if (!BROADCAST_ID.test(this.#opts.broadcastId)) {
      throw new RangeError('a broadcast id is 1 to 64 letters, digits, "_" or "-"');
    }
  }

  /** The folder of this broadcast's media URIs; an archive keys its files by it. */
  get broadcastId(): string {
    return this.#opts.broadcastId;
  }

  /**
   * Hears when video has gone without a keyframe for `keyframeRequestMs` (and again each time as long): forward it
   * to the source as a keyframe request. Past `maxSegmentMs` the segment is cut without one.
   */
  onKeyframeNeeded(listener: (request: KeyframeRequest) => void): () => void {
    return this.#keyframeListeners.add(listener);
  }

  get renditions(): Rendition[] {
    const out: Rendition[] = [];
    if (this.#video) out.push(this.#video.rendition);
    for (const rung of this.#rungs.values()) out.push(rung.rendition);
    if (this.#audio) out.push(this.#audio.rendition);
    return out;
  }

  /** The transcoded video renditions' names, highest first. */
  get rungNames(): string[] {
    return [...this.#rungs.keys()];
  }

  rendition(name: string): Rendition | undefined {
    return this.renditions.find((r) => r.name === name);
  }

  /**
   * Every expected track has its init segment and every expected rung is listed: the multivariant playlist can be
   * written (a player reads it once, so one written before the rungs are listed would never offer them).
   */
  get ready(): boolean {
    const { video, audio } = this.#expect;
    const tracks =
      (!video || this.#video !== null) && (!audio || this.#audio !== null) && (this.#video ?? this.#audio) !== null;
    return tracks && this.#expectRungs().every((name) => this.#listed(this.#rungs.get(name)));
  }

  /** Rungs the multivariant playlist waits for (those a ladder planned), asked each time readiness is. */
  expectRungs(names: () => readonly string[]): void {
    this.#expectRungs = names;
    this.#listeners.emit();
  }

  #listed(rung: VideoState | undefined): rung is VideoState {
    return rung !== undefined && rung.rendition.lastCompleteMsn >= 0 && !rung.rendition.ended;
  }

  get ended(): boolean {
    const all = this.renditions;
    return all.length > 0 && all.every((r) => r.ended);
  }

  /** Hears of new configs, parts and the end. */
  onChange(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Which tracks to wait for before the multivariant playlist is written (a source's metadata tells). */
  expectTracks(expect: { readonly video: boolean; readonly audio: boolean }): void {
    this.#expect = expect;
    this.#listeners.emit();
  }

  /**
   * The source's video config, or with `rung` a transcoded rendition's (a ladder rung: no B-frames, keyframes where
   * the source has them, timestamps on the source's clock). A rung's segments start and end where the source's do
   * and carry the same MSNs; it is listed as a variant once it has a complete segment.
   */
  setVideoConfig(config: H264Config, rung?: string): void {
    const sps = config.sps[0];
    const pps = config.pps[0];
    if (!sps || !pps) throw new RangeError('an H.264 config needs at least one SPS and one PPS');
    const info = parseSps(sps);
    if (rung !== undefined) {
      this.#setRungConfig(rung, sps, pps, info);
      return;
    }
    const rendition = this.#video?.rendition ?? this.#newRendition('video', 90000, false, undefined);
    this.#video = videoState(rendition, sps, pps, info);
    this.#linkBoundaries();
    this.#listeners.emit();
  }

  setAudioConfig(config: AudioConfig): void {
    let state: Omit<AudioState, 'rendition'>;
    let init: Uint8Array;
    if (config.codec === 'aac') {
      const info = parseAudioSpecificConfig(config.asc);
      state = {
        codec: 'aac',
        codecString: aacCodecString(config.asc),
        sampleRate: info.sampleRate,
        channels: info.channels,
        nextDts: null,
      };
      init = writeInitSegment([
        {
          trackId: 1,
          kind: 'audio',
          codec: 'aac',
          timescale: info.sampleRate,
          asc: config.asc,
          channels: info.channels,
          sampleRate: info.sampleRate,
        },
      ]);
    } else {
      state = {
        codec: 'opus',
        codecString: OPUS_CODEC_STRING,
        sampleRate: 48000,
        channels: config.channels,
        nextDts: null,
      };
      init = writeInitSegment([
        {
          trackId: 1,
          kind: 'audio',
          codec: 'opus',
          timescale: 48000,
          channels: config.channels,
          preSkip: config.preSkip ?? 312,
          inputSampleRate: config.inputSampleRate ?? 48000,
        },
      ]);
    }
    const previous = this.#audio;
    const rendition =
      previous && previous.sampleRate === state.sampleRate
        ? previous.rendition
        : this.#newRendition('audio', state.sampleRate, this.#expect.video, previous?.rendition);
    rendition.setInit(init);
    this.#audio = { ...state, rendition, nextDts: previous?.rendition === rendition ? previous.nextDts : null };
    this.#linkBoundaries();
    this.#listeners.emit();
  }

  pushVideo(au: VideoAccessUnit, rung?: string): void {
    if (rung !== undefined) {
      this.#pushRung(rung, au);
      return;
    }
    const { nals, sps, pps, media } = splitAccessUnit(au);
    // In-band parameter sets (WHIP, Annex B sources) configure or reconfigure the track.
    if (sps && pps && (!this.#video || !sameBytes(sps, this.#video.sps) || !sameBytes(pps, this.#video.pps))) {
      this.setVideoConfig({ codec: 'h264', sps: [sps], pps: [pps] });
    }
    const video = this.#video;
    if (!video || media.length === 0) return;
    const dts = this.#map(au.dts90k);
    if (dts === null) return;
    video.rendition.push({
      data: au.format === 'avcc' && media.length === nals.length ? au.data : toLengthPrefixed(media),
      dts,
      compositionOffset: au.pts90k - au.dts90k,
      keyframe: au.keyframe,
      duration: 0,
    });
    this.#end90k = Math.max(this.#end90k, dts);
  }

  pushAudio(frame: AudioFrame): void {
    const audio = this.#audio;
    if (!audio) return;
    const mapped = this.#map(frame.pts90k);
    if (mapped === null) return;
    const duration = audio.codec === 'aac' ? 1024 : opusPacketSamples(frame.data);
    const measured = Math.round((mapped * audio.sampleRate) / 90000);
    // Keep audio gapless: follow the frame count unless the source's clock has moved by more than half a frame.
    const expected = audio.nextDts;
    const dts = expected !== null && Math.abs(measured - expected) < duration / 2 ? expected : measured;
    audio.nextDts = dts + duration;
    audio.rendition.push({ data: frame.data, dts, compositionOffset: 0, keyframe: true, duration });
    this.#end90k = Math.max(this.#end90k, Math.round(((dts + duration) * 90000) / audio.sampleRate));
  }

  /**
   * A rung's media stopped for now (its transcoder died or restarts): it starts again at its next keyframe on a
   * source boundary, the segments it missed listed as gaps.
   */
  pauseRung(rung: string): void {
    this.#rungs.get(rung)?.rendition.pause();
  }

  /** A rung is gone for good (shed): it leaves the multivariant playlist and its URLs answer 404. */
  removeRung(rung: string): void {
    const state = this.#rungs.get(rung);
    if (!state) return;
    this.#rungs.delete(rung);
    state.rendition.end();
    this.#listeners.emit();
  }

  /** The publisher restarted: the next media continues the timeline after an EXT-X-DISCONTINUITY. */
  discontinuity(): void {
    for (const r of this.renditions) r.discontinuity();
    this.#boundaries.length = 0;
    this.#origin90k = null;
    if (this.#audio) this.#audio.nextDts = null;
    this.#listeners.emit();
  }

  /** The stream is over: every playlist gets EXT-X-ENDLIST. */
  end(): void {
    for (const r of this.renditions) r.end();
    this.#listeners.emit();
  }

  /** Reports on the other renditions, as seen from `name`'s folder. */
  renditionReports(name: string): RenditionReportModel[] {
    return this.renditions
      .filter((r) => r.name !== name && r.position.msn >= 0)
      .map((r) => ({ uri: `../${r.name}/index.m3u8`, lastMsn: r.position.msn, lastPart: r.position.part }));
  }

  multivariant(): MultivariantModel {
    const video = this.#video;
    const audio = this.#audio;
    const audioRate = audio?.rendition.bitrate ?? { peak: 0, average: 0 };
    const variants: VariantModel[] = [];
    if (video) {
      const variant = (state: VideoState): VariantModel => {
        const rate = state.rendition.bitrate;
        return {
          uri: `${state.rendition.name}/index.m3u8`,
          bandwidth: Math.max(1, rate.peak + audioRate.peak),
          averageBandwidth: Math.max(1, rate.average + audioRate.average),
          codecs: audio ? [state.codecString, audio.codecString] : [state.codecString],
          resolution: { width: state.width, height: state.height },
          ...optional('frameRate', state.frameRate),
          ...optional('audioGroupId', audio ? AUDIO_GROUP : undefined),
        };
      };
      variants.push(variant(video));
      // A rung is listed once it has a complete segment: one a player can switch to, its bitrate measured.
      for (const rung of this.#rungs.values()) if (this.#listed(rung)) variants.push(variant(rung));
    } else if (audio) {
      variants.push({
        uri: `${audio.rendition.name}/index.m3u8`,
        bandwidth: Math.max(1, audioRate.peak),
        averageBandwidth: Math.max(1, audioRate.average),
        codecs: [audio.codecString],
      });
    }
    return {
      audio:
        video && audio
          ? [
              {
                groupId: AUDIO_GROUP,
                name: 'default',
                uri: `${audio.rendition.name}/index.m3u8`,
                channels: audio.channels,
              },
            ]
          : [],
      variants,
    };
  }

  /** A track's rendition; one that replaces `previous` (a new sample rate) continues its numbering. */
  #newRendition(
    kind: 'video' | 'audio',
    timescale: number,
    followBoundaries: boolean,
    previous: Rendition | undefined,
  ): Rendition {
    return this.#rendition({
      name: this.#opts.names[kind],
      kind,
      timescale,
      onKeyframeNeeded: (sinceKeyframeSec) => this.#keyframeListeners.emit({ rendition: kind, sinceKeyframeSec }),
      followBoundaries,
      ...(previous ? { start: previous.successorStart } : {}),
    });
  }

  /** A rendition with this packager's targets, window, clock and sink. */
  #rendition(
    own: Pick<RenditionOptions, 'name' | 'kind' | 'timescale' | 'followBoundaries'> &
      Partial<Pick<RenditionOptions, 'onKeyframeNeeded' | 'start' | 'alignTo'>>,
  ): Rendition {
    const opts = this.#opts;
    const timescale = own.timescale;
    const rendition = new Rendition({
      ...own,
      uriFolder: opts.broadcastId,
      partTargetSec: opts.partTargetMs / 1000,
      segmentTargetSec: opts.segmentTargetMs / 1000,
      maxSegmentSec: opts.maxSegmentMs / 1000,
      keyframeRequestSec: opts.keyframeRequestMs / 1000,
      windowTargetDurations: opts.windowTargetDurations,
      maxWindowSegments: opts.maxWindowSegments,
      partHoldBackParts: opts.partHoldBackParts,
      wallMs: (dts) => this.#anchorWallMs + ((dts / timescale) * 1000 - this.#offset90k / 90),
      sink: opts.sink,
      logger: opts.logger,
    });
    rendition.onChange(() => this.#listeners.emit());
    return rendition;
  }

  #linkBoundaries(): void {
    const video = this.#video;
    if (!video) return;
    const audio = this.#audio;
    const rate = audio?.sampleRate ?? 90000;
    video.rendition.onSegmentBoundary = (dts90k, msn) => {
      audio?.rendition.addBoundary(Math.round((dts90k * rate) / 90000));
      for (const rung of this.#rungs.values()) rung.rendition.addBoundary(dts90k);
      this.#boundaries.push({ dts: dts90k, msn });
      if (this.#boundaries.length > BOUNDARY_LOG) this.#boundaries.shift();
    };
  }

  #setRungConfig(name: string, sps: Uint8Array, pps: Uint8Array, info: ReturnType<typeof parseSps>): void {
    let rendition = this.#rungs.get(name)?.rendition;
    if (!rendition) {
      if (!RENDITION_NAME.test(name) || Object.values(this.#opts.names).includes(name)) {
        throw new RangeError(`a rung is named with 1 to 32 letters, digits, "_" or "-", not a track's name: ${name}`);
      }
      if (this.#rungs.size >= MAX_RUNGS) throw new RangeError(`at most ${MAX_RUNGS} rungs`);
      rendition = this.#newRung(name);
      // Boundaries already passed (the source cut before the rung's first frame came out of its transcoder).
      for (const b of this.#boundaries) rendition.addBoundary(b.dts);
    }
    this.#rungs.set(name, videoState(rendition, sps, pps, info));
    this.#listeners.emit();
  }

  #pushRung(name: string, au: VideoAccessUnit): void {
    const { sps, pps, media } = splitAccessUnit(au);
    let state = this.#rungs.get(name);
    if (sps && pps && (!state || !sameBytes(sps, state.sps) || !sameBytes(pps, state.pps))) {
      this.#setRungConfig(name, sps, pps, parseSps(sps));
      state = this.#rungs.get(name);
    }
    // A rung's timestamps are the source's: mapped with the source's origin, never setting it.
    if (!state || media.length === 0 || this.#origin90k === null) return;
    const dts = au.dts90k - this.#origin90k + this.#offset90k;
    if (dts < 0) return;
    state.rendition.push({
      data: toLengthPrefixed(media),
      dts,
      compositionOffset: au.pts90k - au.dts90k,
      keyframe: au.keyframe,
      duration: 0,
    });
  }

  /** A rung's rendition: follows the source video's cuts and numbering. */
  #newRung(name: string): Rendition {
    return this.#rendition({
      name,
      kind: 'video',
      timescale: 90000,
      followBoundaries: true,
      alignTo: {
        msnAt: (dts) => this.#boundaries.find((b) => b.dts === dts)?.msn,
        gapDurationSec: (msn) => this.#video?.rendition.segment(msn)?.durationSec ?? this.#opts.segmentTargetMs / 1000,
      },
    });
  }

  /** Input 90 kHz time to our timeline; null for media from before the stream's first timestamp. */
  #map(ts90k: number): number | null {
    if (this.#origin90k === null) {
      this.#origin90k = ts90k;
      // Continue after what was written, one frame's worth later, so the timeline never goes back.
      this.#offset90k = this.#end90k === 0 ? 0 : this.#end90k + 3000;
      this.#anchorWallMs = this.#opts.clock();
    }
    const mapped = ts90k - this.#origin90k + this.#offset90k;
    if (mapped < 0) {
      this.droppedSamples++;
      return null;
    }
    return mapped;
  }
}

/** A video track's state for new parameter sets, its rendition given the matching init segment. */
function videoState(
  rendition: Rendition,
  sps: Uint8Array,
  pps: Uint8Array,
  info: ReturnType<typeof parseSps>,
): VideoState {
  const { width, height } = info;
  rendition.setInit(
    writeInitSegment([{ trackId: 1, kind: 'video', timescale: 90000, width, height, sps: [sps], pps: [pps] }]),
  );
  return { rendition, codecString: avcCodecString(sps), width, height, frameRate: info.frameRate, sps, pps };
}

/** An access unit's NAL units: in-band parameter sets apart, access unit delimiters dropped, the rest as media. */
function splitAccessUnit(au: VideoAccessUnit): {
  nals: Uint8Array[];
  sps: Uint8Array | undefined;
  pps: Uint8Array | undefined;
  media: Uint8Array[];
} {
  const nals = au.format === 'annexb' ? splitAnnexB(au.data) : splitLengthPrefixed(au.data, 4);
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  const media: Uint8Array[] = [];
  for (const nal of nals) {
    const type = nalType(nal);
    if (type === NalType.SPS) sps = nal;
    else if (type === NalType.PPS) pps = nal;
    else if (type !== NalType.AUD) media.push(nal);
  }
  return { nals, sps, pps, media };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
