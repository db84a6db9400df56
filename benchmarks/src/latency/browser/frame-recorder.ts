/**
 * The viewer page's half of the measure: on every frame the page's <video> presents (requestVideoFrameCallback),
 * the picture is drawn scaled to 640 x 360, only the rows holding the band are read back, and the band's stamp is kept
 * with the display time (and, where the player can tell, the receive and decode times). Players report stalls and
 * fatal errors to it; Node drains what it kept with `drainRecorder`.
 *
 * `installRecorder` runs in the page (sent with page.evaluate), so it is self-contained: the band kit is expected as
 * `window.__band` and the recorder is left as `window.__rec` for the player scripts.
 */
import type { BandKit } from '../band.ts';

/** One presented frame as the page keeps it: the band's ms still modulo 2^32 (Node unwraps it). */
export interface RawFrame {
  readonly frame: number;
  readonly ms: number;
  readonly displayedMs: number;
  readonly receivedMs?: number;
  readonly decodedMs?: number;
  readonly rtpTimestamp?: number;
  /** MSE players: the frame's media time (rVFC mediaTime), ms. */
  readonly mediaMs?: number;
}

/** What the player scripts may call on `window.__rec`. */
export interface PageRecorder {
  /** The player was handed the URL: first-frame time counts from here. */
  play(): void;
  /** A playback stall; counted only once the first frame has shown. */
  stall(): void;
  /** A fatal player error, as text. */
  fail(text: string): void;
  /** hls.js: the wall-clock ms the media holding `mediaTimeSec` finished loading. */
  receivedAt?: (mediaTimeSec: number) => number | undefined;
}

/** What one drain hands Node: frames and freezes since the last drain, counters since the start. */
export interface RecorderDrain {
  readonly frames: RawFrame[];
  readonly freezesMs: number[];
  /** Frames the page had to drop because nobody drained it (bounded memory). */
  readonly overflowed: number;
  readonly unreadable: number;
  readonly stalls: number;
  readonly errors: string[];
  readonly firstFrameMs?: number;
}

export interface RecorderOptions {
  /** Read rVFC's receiveTime/processingDuration/rtpTimestamp (WebRTC sources carry them). */
  readonly webrtc: boolean;
  /** Most frames kept between drains; 30 min at 30 fps by default. */
  readonly maxFrames?: number;
  /** Gaps between presented frames longer than this count as freezes; default 200 ms. */
  readonly freezeGapMs?: number;
}

/** Runs in the page: starts recording every frame the page's <video> presents. */
export function installRecorder(options: RecorderOptions): void {
  const w = window as unknown as Record<string, unknown>;
  const band = w.__band as BandKit;
  const video = document.querySelector('video');
  if (!video) throw new Error('the page has no <video>');
  const width = 640;
  const height = 360;
  // The band's cells end at row 232 of 640 x 360; reading 240 rows is a third less work than the whole frame.
  const bandRows = 240;
  const freezeGapMs = options.freezeGapMs ?? 200;
  const maxFrames = options.maxFrames ?? 30 * 60 * 30;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  const state = {
    frames: [] as RawFrame[],
    freezesMs: [] as number[],
    overflowed: 0,
    unreadable: 0,
    stalls: 0,
    errors: [] as string[],
    playMs: performance.timeOrigin + performance.now(),
    firstFrameMs: undefined as number | undefined,
  };
  let lastDisplayedMs = 0;
  const recorder: PageRecorder = {
    play: () => {
      state.playMs = performance.timeOrigin + performance.now();
    },
    stall: () => {
      if (state.firstFrameMs !== undefined) state.stalls++;
    },
    fail: (text) => {
      if (state.errors.length < 100) state.errors.push(text);
    },
  };
  const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
    video.requestVideoFrameCallback(onFrame);
    // expectedDisplayTime is a forecast: on a loaded machine a WebRTC frame's decode can end after it, and a frame is
    // not shown before it is decoded.
    const decodeEndMs =
      options.webrtc && metadata.receiveTime !== undefined && metadata.processingDuration !== undefined
        ? performance.timeOrigin + metadata.receiveTime + metadata.processingDuration * 1000
        : 0;
    const displayedMs = Math.max(performance.timeOrigin + metadata.expectedDisplayTime, decodeEndMs);
    if (state.firstFrameMs === undefined) {
      state.firstFrameMs = displayedMs - state.playMs;
      const notify = w.__glintFirstFrame as ((ms: number) => void) | undefined;
      notify?.(state.firstFrameMs);
    } else if (displayedMs - lastDisplayedMs > freezeGapMs) {
      state.freezesMs.push(displayedMs - lastDisplayedMs);
      if (state.freezesMs.length > 10_000) state.freezesMs.shift();
    }
    lastDisplayedMs = displayedMs;
    ctx.drawImage(video, 0, 0, width, height);
    const stamp = band.read(ctx.getImageData(0, 0, width, bandRows).data, width, height);
    if (!stamp) {
      state.unreadable++;
      return;
    }
    // Every read is kept, a band read twice too: Node picks which read of it is right (see frame-picker.ts).
    const extra: { receivedMs?: number; decodedMs?: number; rtpTimestamp?: number; mediaMs?: number } = {};
    if (options.webrtc && metadata.receiveTime !== undefined) {
      extra.receivedMs = performance.timeOrigin + metadata.receiveTime;
      if (metadata.processingDuration !== undefined) {
        extra.decodedMs = extra.receivedMs + metadata.processingDuration * 1000;
      }
    }
    if (options.webrtc && metadata.rtpTimestamp !== undefined) extra.rtpTimestamp = metadata.rtpTimestamp;
    if (!options.webrtc) extra.mediaMs = metadata.mediaTime * 1000;
    const receivedMs = recorder.receivedAt?.(metadata.mediaTime);
    if (receivedMs !== undefined) extra.receivedMs = receivedMs;
    state.frames.push({ frame: stamp.frame, ms: stamp.ms, displayedMs, ...extra });
    if (state.frames.length > maxFrames) {
      // Dropped a tenth at a time: one shift per frame would copy the whole array on every frame once full.
      const drop = Math.ceil(maxFrames / 10);
      state.frames.splice(0, drop);
      state.overflowed += drop;
    }
  };
  video.requestVideoFrameCallback(onFrame);
  w.__rec = recorder;
  w.__recState = state;
}

/** Runs in the page: hands over frames and freezes kept since the last drain, and the counters. */
export function drainRecorder(): RecorderDrain {
  const state = (window as unknown as Record<string, unknown>).__recState as {
    frames: RawFrame[];
    freezesMs: number[];
    overflowed: number;
    unreadable: number;
    stalls: number;
    errors: string[];
    firstFrameMs: number | undefined;
  };
  const frames = state.frames;
  const freezesMs = state.freezesMs;
  state.frames = [];
  state.freezesMs = [];
  return {
    frames,
    freezesMs,
    overflowed: state.overflowed,
    unreadable: state.unreadable,
    stalls: state.stalls,
    errors: [...state.errors],
    ...(state.firstFrameMs === undefined ? {} : { firstFrameMs: state.firstFrameMs }),
  };
}
