/**
 * ffmpeg as a non-browser reference player of an HLS stream: it decodes from the live edge and writes each picture
 * as 640x360 gray bytes to stdout, where we read the band. A frame counts as displayed when its last byte reaches
 * us: ffmpeg shows a frame as soon as it has it (no playout buffer, no pacing), so this is the earliest any player
 * fetching whole segments could show it. ffmpeg 5's HLS reader knows nothing of LL-HLS parts: it waits for each
 * segment to complete, which is the gap between this viewer and an LL-HLS player.
 */

import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { requireTool } from '@glint/testkit';
import { bandKit } from './band.ts';
import { segmentsListed } from './playlist-probe.ts';
import type { ViewedFrame, ViewerReport } from './types.ts';

export interface FfmpegViewerOptions {
  /** An HLS playlist URL (multivariant or media). */
  readonly url: string;
  /** Names this viewer in the report's errors and logs. */
  readonly label: string;
  readonly log?: (line: string) => void;
}

export interface FfmpegViewer {
  /** What it saw so far; `player` is 'ffmpeg'. */
  report(): ViewerReport;
  /** Frames read so far (readable or not). */
  readonly framesSeen: number;
  stop(): Promise<void>;
}

const WIDTH = 640;
const HEIGHT = 360;
const FRAME_BYTES = WIDTH * HEIGHT;
const FREEZE_MS = 200;
const nowMs = () => performance.timeOrigin + performance.now();

export function ffmpegViewerArgs(url: string): string[] {
  return [
    // Errors only: the HLS reader warns on every fMP4 segment ("duplicated MOOV atom"), which is not a problem.
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    // No input buffering or long probing: the first frame out as soon as the first segment is in.
    ...['-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32k', '-analyzeduration', '0'],
    // Start at the newest segment, the live edge (the default, -3, starts three segments back).
    ...['-live_start_index', '-1', '-http_persistent', '1'],
    ...['-i', url],
    // Every decoded frame once, as it comes: no frame-rate conversion duplicating or dropping pictures.
    ...['-map', '0:v:0', '-an', '-sn', '-fps_mode', 'passthrough', '-vf', `scale=${WIDTH}:${HEIGHT}`],
    ...['-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
  ];
}

export function startFfmpegViewer(options: FfmpegViewerOptions): FfmpegViewer {
  requireTool('ffmpeg');
  const log = options.log ?? (() => {});
  const kit = bandKit();
  const startedMs = nowMs();
  const frames: ViewedFrame[] = [];
  const freezesMs: number[] = [];
  const errors: string[] = [];
  const problem = (line: string) => {
    errors.push(line);
    log(`${options.label} ${line}`);
  };
  let unreadable = 0;
  let framesSeen = 0;
  let firstFrameMs: number | undefined;
  let lastFrameMs: number | undefined;
  let stopping = false;

  // One frame buffer, filled across chunks; a chunk may end one frame and start the next.
  const pixels = new Uint8Array(FRAME_BYTES);
  let filled = 0;
  const onFrame = (displayedMs: number) => {
    framesSeen++;
    firstFrameMs ??= displayedMs - startedMs;
    if (lastFrameMs !== undefined && displayedMs - lastFrameMs > FREEZE_MS) freezesMs.push(displayedMs - lastFrameMs);
    lastFrameMs = displayedMs;
    const stamp = kit.read(pixels, WIDTH, HEIGHT, 1);
    if (stamp === undefined) unreadable++;
    else frames.push({ frame: stamp.frame, capturedMs: kit.unwrap(stamp.ms, displayedMs), displayedMs });
  };
  const onStdout = (chunk: Buffer) => {
    const arrivedMs = nowMs();
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(FRAME_BYTES - filled, chunk.length - at);
      pixels.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === FRAME_BYTES) {
        filled = 0;
        onFrame(arrivedMs);
      }
    }
  };

  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  const run = async () => {
    // ffmpeg gives up on a playlist that lists no segment yet (no stream to map); a player waits, and so do we.
    while (!stopping && (await segmentsListed(options.url)) === 0) await new Promise((r) => setTimeout(r, 100));
    if (stopping) return;
    const c = spawn('ffmpeg', ffmpegViewerArgs(options.url), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stderr.setEncoding('utf8');
    c.stderr.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '') problem(`ffmpeg: ${line.trim()}`);
    });
    c.stdout.on('data', onStdout);
    await new Promise<void>((resolve) => {
      c.on('error', (error) => {
        problem(`ffmpeg: ${error.message}`);
        resolve();
      });
      c.on('close', (code, signal) => {
        if (!stopping) problem(`ffmpeg exited on its own (code ${code}, signal ${signal})`);
        resolve();
      });
    });
  };
  const running = run().catch((error: unknown) => problem(`viewer: ${(error as Error).message}`));

  return {
    report: () => ({
      player: 'ffmpeg',
      frames: [...frames],
      unreadable,
      stalls: 0, // ffmpeg has no playout buffer to run dry; its waits show as freezes
      freezesMs: [...freezesMs],
      ...(firstFrameMs !== undefined ? { firstFrameMs } : {}),
      errors: [...errors],
    }),
    get framesSeen() {
      return framesSeen;
    },
    stop: async () => {
      stopping = true;
      const c = child;
      if (c !== undefined && c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      const killer = setTimeout(() => c?.kill('SIGKILL'), 3000);
      await running;
      clearTimeout(killer);
    },
  };
}
