import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { encodeArgs, type MediaSpec, requireTool } from '@glint/testkit';
import type { Child, Scratch } from '../lib/scratch.ts';

/**
 * Encodes the stream every publisher sends, once, as FLV: H.264 High with 2 B-frames and a 1 s GOP, AAC-LC. Encoding
 * once and publishing with `-re -c copy` keeps four live x264 encoders off a two-core machine, where they would
 * compete with the server being measured and could fall behind real time.
 */
export function encodeSource(dir: string, spec: MediaSpec): string {
  requireTool('ffmpeg');
  const out = join(dir, 'source.flv');
  // Temporal noise keeps the encoder near its target rate; a clean test pattern would come out far smaller.
  execFileSync('ffmpeg', [...encodeArgs(spec, { noise: true }), '-f', 'flv', out]);
  return out;
}

/** ffmpeg replays the source in real time (`-re`, paced by its timestamps) to an RTMP URL. */
export function publishRtmp(scratch: Scratch, source: string, url: string): Child {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', url];
  return scratch.spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
