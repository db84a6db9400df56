/** What bench:sfu:instructions measures with: one source for every forwarder, the receiver counts, the windows. */
import type { H264Pattern } from './h264-packets.ts';

export const CHANNEL = 'bench';

/**
 * 10 fps, 5 fragments a frame, a keyframe a second: 51 packets/s (~0.5 Mbit/s). Low enough that werift, ~50× slower
 * under callgrind, mostly keeps up with 8 receivers on a shared core; when the harness falls behind it skips frames
 * (counted), and the figures, per packet the receivers got, hold.
 */
export const SOURCE_PATTERN: H264Pattern = {
  fps: 10,
  fragmentsPerFrame: 5,
  gopFrames: 10,
  payloadBytes: 1200,
  payloadType: 96,
  ssrc: 0x5f1c0de5,
};

export interface InstructionOptions {
  /** Receivers per window, in this order (added to those already connected). */
  readonly receivers: readonly number[];
  /** Source running, before the first baseline: under callgrind Node takes a minute or so to finish starting up. */
  readonly startWarmMs: number;
  /** After receivers are added, before their window: the new paths get compiled (and after start-up's GC). */
  readonly warmMs: number;
  /** Each window is this many slices, one callgrind dump each. */
  readonly slices: number;
  readonly sliceMs: number;
}

export const OPTIONS: InstructionOptions = {
  receivers: [4, 8],
  startWarmMs: 60_000,
  warmMs: 15_000,
  slices: 8,
  sliceMs: 4000,
};
