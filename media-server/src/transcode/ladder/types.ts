import type { LiveStream } from '../../stream/live-stream.ts';

/**
 * The contract between a channel's transcoding ladder and its outputs (LL-HLS variants, WebRTC layers). The ladder
 * reads the channel's source LiveStream and produces one video-only LiveStream per rung: H.264 without B-frames,
 * keyframes exactly where the source has them, timestamps on the source's clock (so a rung's access unit has the
 * pts90k/dts90k of the source frame it was made from).
 */

/** One rung as configured: scaled to `height` (width keeps the source's aspect, even), at most `fps`. */
export interface RungSpec {
  /** URI folder and label: letters, digits, `_`, `-` (e.g. `720p`). */
  readonly name: string;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
}

/** A rung that is running: its stream of access units and what it was made as. */
export interface LadderRung {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
  /** Video only ('tracks' says so); ends when the rung is shed, the ladder stops, or the source ends. */
  readonly stream: LiveStream;
}

/** One channel's ladder as outputs see it. */
export interface ChannelLadder {
  readonly channelId: string;
  /** Rungs running now, highest first (the source itself is not a rung). */
  rungs(): readonly LadderRung[];
  /**
   * Names of the rungs the ladder means to run for this source, highest first: empty until the source's video config
   * is known, shorter after a rung is shed. Outputs wait for these before they describe the channel.
   */
  planned(): readonly string[];
  /**
   * A rung started (at start, and again after a restart: a new LiveStream each time, beginning at a source keyframe).
   * The listener attaches to `rung.stream`; the stream's end says the rung stopped.
   */
  onRung(listener: (rung: LadderRung) => void): () => void;
}
