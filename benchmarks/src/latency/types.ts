/**
 * What the parts of the latency benchmark hand each other. Every time is wall-clock ms on the machine's one clock
 * (`performance.timeOrigin + performance.now()` in Node and in Chromium alike, so stamps taken in different
 * processes compare to about a millisecond), and every frame is known by the frame number its band carries.
 */

/** The stage stamps a frame can carry, in path order. A path fills those it can take; see `STAGE_METHODS`. */
export const STAGES = [
  'captured',
  'encoded',
  'ingested',
  'transcoded',
  'packaged',
  'delivered',
  'received',
  'decoded',
  'displayed',
] as const;
export type Stage = (typeof STAGES)[number];

/** How each stamp is taken and how far off it can be. */
export const STAGE_METHODS: Record<Stage, string> = {
  captured: 'the broadcaster paints the wall clock into the frame as it draws it (band, ±0 ms; the band is the truth)',
  encoded: 'the encoder hands the frame out: FLV tag read from ffmpeg (RTMP) / encoded-frame transform (WHIP), ±1 ms',
  ingested: "the access unit reaches the server's stream hub (in-process reader), ±1 ms",
  transcoded: 'the re-encoder hands the frame back (B-frame removal for WebRTC, the ladder), ±1 ms',
  packaged: 'LL-HLS: the part holding the frame is listed in the playlist; WebRTC: the frame’s RTP packets are sent',
  delivered: 'LL-HLS: the response carrying that part has been written to the socket (server side)',
  received: 'the player has the frame: hls.js part loaded / WebRTC rVFC receiveTime',
  decoded: 'WebRTC: rVFC receiveTime + processingDuration (MSE players expose no decode time)',
  displayed: 'requestVideoFrameCallback expectedDisplayTime (ffmpeg viewer: the decoded frame leaves ffmpeg)',
};

/** The seed's budget per stage (ms), shown beside the measures. */
export const SEED_BUDGET_MS: Partial<Record<Stage, number>> & { total: number } = {
  encoded: 500,
  ingested: 500,
  transcoded: 1000,
  delivered: 1000,
  displayed: 2000,
  total: 5000,
};

/** Stamps of one frame, keyed by frame number (modulo 2^16 as the band carries it). */
export type FrameStamps = Partial<Record<Stage, number>>;

/** Where stamps of one kind come from: the broadcaster, the server taps, a viewer. */
export interface StampSource {
  /** Stamps taken so far, by frame number; later calls may add frames. */
  stamps(): ReadonlyMap<number, FrameStamps>;
}

/** One frame a viewer presented. */
export interface ViewedFrame {
  readonly frame: number;
  /** The capture time read from the band, unwrapped to full wall-clock ms. */
  readonly capturedMs: number;
  readonly displayedMs: number;
  readonly receivedMs?: number;
  readonly decodedMs?: number;
  /** WebRTC: the frame's RTP timestamp (rVFC metadata), to join it to the server's forwarding stamps. */
  readonly rtpTimestamp?: number;
}

/** What one viewer (a Chromium player or ffmpeg) saw over a run. */
export interface ViewerReport {
  readonly player: string;
  readonly frames: readonly ViewedFrame[];
  /** Frames presented whose band could not be read (torn, scaled badly): a health figure. */
  readonly unreadable: number;
  /** Playback stalls after the first frame (MSE players: `waiting` with nothing buffered ahead). */
  readonly stalls: number;
  /** Gaps between presented frames longer than 200 ms, in ms (WebRTC freezes; also seen in MSE players). */
  readonly freezesMs: readonly number[];
  /** From the moment the viewer was asked to play to its first presented frame. */
  readonly firstFrameMs?: number;
  readonly errors: readonly string[];
}
