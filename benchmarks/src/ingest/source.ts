import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Child, Scratch } from '../lib/scratch.ts';
import type { MediaSpec } from '../media/fixture.ts';
import { requireTools } from '../media/tools.ts';

/**
 * Encodes the stream every publisher sends, once, as FLV: H.264 High with 2 B-frames and a 1 s GOP, AAC-LC. Encoding
 * once and publishing with `-re -c copy` keeps four live x264 encoders off a two-core machine, where they would
 * compete with the server being measured and could fall behind real time.
 */
export function encodeSource(dir: string, spec: MediaSpec): string {
  requireTools('ffmpeg');
  const out = join(dir, 'source.flv');
  const gop = String(spec.fps);
  const rate = `${spec.videoKbps}k`;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    // Temporal noise keeps the encoder near its target rate; a clean test pattern would come out far smaller.
    ...['-t', String(spec.seconds), '-vf', 'noise=alls=12:allf=t', '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', gop, '-keyint_min', gop],
    ...['-sc_threshold', '0', '-b:v', rate, '-maxrate', rate, '-bufsize', rate],
    ...['-c:a', 'aac', '-b:a', `${spec.audioKbps}k`, '-ac', '2', '-f', 'flv', out],
  ]);
  return out;
}

/** ffmpeg replays the source in real time (`-re`, paced by its timestamps) to an RTMP URL. */
export function publishRtmp(scratch: Scratch, source: string, url: string): Child {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', url];
  return scratch.spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
