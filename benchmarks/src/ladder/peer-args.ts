import type { Rung, SourceSpec } from './rungs.ts';
import { rungWidth } from './rungs.ts';

/**
 * The classic way (an nginx-rtmp `exec` per rung): one ffmpeg per rung, each reading and decoding the whole source
 * itself, scaling and encoding one rendition. Same decoder, scaler and x264 settings as Glint's ladder, so the
 * difference is the architecture (one decode shared by every rung, or one per rung). FLV video on stdin; MPEG-TS out
 * to nowhere; progress (out_time_us) on stderr twice a second.
 */
export function peerArgs(rung: Rung, source: SourceSpec): string[] {
  const kbps = `${rung.bitrateKbps}k`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:2', '-stats_period', '0.5'],
    ...['-probesize', '32', '-analyzeduration', '0', '-threads', '1', '-f', 'flv', '-i', 'pipe:0', '-an'],
    ...['-vf', `scale=${rungWidth(rung, source)}:${rung.height}:flags=bilinear`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-pix_fmt', 'yuv420p'],
    ...['-b:v', kbps, '-maxrate', kbps, '-bufsize', kbps],
    ...['-force_key_frames', 'source', '-forced-idr', '1', '-x264-params', 'keyint=infinite:scenecut=0'],
    ...['-copyts', '-fps_mode', 'passthrough', '-muxdelay', '0', '-muxpreload', '0', '-f', 'mpegts', 'pipe:1'],
  ];
}
