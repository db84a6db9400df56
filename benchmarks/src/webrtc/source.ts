/**
 * The publisher's video: H.264 encoded once by ffmpeg at a steady 1.5 Mbit/s, then sent as RTP in real time by
 * `ffmpeg -re -stream_loop -1 -c copy -f rtp` to the publisher child, which relays it into its WHIP session.
 * Encoding once keeps a live x264 off a two-core machine where it would compete with the SFU being measured.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '@glint/testkit';
import type { Child, Scratch } from '../lib/scratch.ts';

export interface SourceSpec {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoKbps: number;
}

/** RTP payload size ffmpeg packetizes to (FU-A beyond it), as WebRTC stacks do to stay under a 1,280-byte MTU. */
export const RTP_PACKET_BYTES = 1200;

/**
 * Constrained baseline (no B-frames, what WebRTC viewers decode), 1 s GOP, CBR-like rate control; MPEG-TS so SPS/PPS
 * ride in-band before every IDR. Returns the file and its measured bitrate.
 */
export function encodeRtpSource(dir: string, spec: SourceSpec): { file: string; kbps: number } {
  requireTool('ffmpeg');
  const file = join(dir, 'source.ts');
  const rate = `${spec.videoKbps}k`;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`],
    // Temporal noise keeps the encoder at its target rate; a clean test pattern would come out far smaller.
    ...['-t', String(spec.seconds), '-vf', 'noise=alls=12:allf=t', '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline', '-g', String(spec.fps)],
    ...['-keyint_min', String(spec.fps), '-sc_threshold', '0', '-b:v', rate, '-maxrate', rate, '-bufsize', rate],
    ...['-f', 'mpegts', file],
  ]);
  return { file, kbps: (statSync(file).size * 8) / spec.seconds / 1000 };
}

/** Loops the file forever in real time as RTP (payload type 96, packetization mode 1) to 127.0.0.1:port. */
export function sendRtp(scratch: Scratch, file: string, port: number): Child {
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', file],
    ...['-an', '-c:v', 'copy', '-f', 'rtp', '-payload_type', '96', '-pkt_size', String(RTP_PACKET_BYTES)],
    `rtp://127.0.0.1:${port}`,
  ];
  return scratch.spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
