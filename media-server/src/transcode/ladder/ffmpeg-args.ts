import type { PlannedRung } from './ladder-spec.ts';

/**
 * ffmpeg's arguments for one ladder run, as data: FLV video in on stdin, every rung out as one MPEG-TS on stdout
 * (one H.264 stream per rung, in the plan's order). Timestamps pass through (`-copyts`, encoder time base = the
 * input's ms), so each output frame can be matched to the source frame it was made from.
 */
export interface LadderArgs {
  readonly input: readonly string[];
  readonly filterComplex: string;
  readonly output: readonly string[];
}

export function ladderArgs(plan: readonly PlannedRung[]): LadderArgs {
  if (plan.length === 0) throw new Error('a ladder run needs at least one rung');
  const split = `[0:v]split=${plan.length}${plan.map((_, i) => `[s${i}]`).join('')}`;
  const chains = plan.map((r, i) => {
    // Frames are dropped to the rung's rate with select, not fps: select keeps every keyframe (fps could drop one, and
    // the rung would miss a source keyframe) and each kept frame's own timestamp, so it still maps back exactly.
    const gapSec = (0.9 / r.fps).toFixed(4);
    const fps = r.reduceFps ? `,select='key+isnan(prev_selected_t)+gte(t-prev_selected_t\\,${gapSec})'` : '';
    return `[s${i}]scale=${r.width}:${r.height}:flags=bilinear${fps}[o${i}]`;
  });
  const perRung = plan.flatMap((r, i) => [
    ...['-map', `[o${i}]`],
    ...[`-b:v:${i}`, `${r.bitrateKbps}k`, `-maxrate:v:${i}`, `${r.bitrateKbps}k`],
    ...[`-bufsize:v:${i}`, `${r.bitrateKbps}k`],
  ]);
  return {
    input: [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      // Start decoding at once: the first tags say all there is. One decoder thread: frame threads add frames of delay.
      ...['-probesize', '32', '-analyzeduration', '0', '-threads', '1'],
    ],
    filterComplex: [split, ...chains].join(';'),
    output: [
      ...perRung,
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-pix_fmt', 'yuv420p'],
      // Keyframes exactly on the source's, and nowhere else (no GOP limit, no scene cuts).
      ...['-force_key_frames', 'source', '-forced-idr', '1', '-x264-params', 'keyint=infinite:scenecut=0'],
      ...['-copyts', '-enc_time_base', '-1', '-fps_mode', 'passthrough'],
      ...['-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1', '-max_interleave_delta', '0'],
      // Video PES lengths are written when they fit, so an access unit is complete without waiting for the next.
      ...['-omit_video_pes_length', '0', '-f', 'mpegts'],
    ],
  };
}
