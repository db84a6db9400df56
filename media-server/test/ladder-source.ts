/**
 * Test helper: a source for the transcoding ladder, made by a real ffmpeg (H.264 with B-frames, a keyframe every
 * second) and replayed into a LiveStream at its own pace, looped with timestamps moved on. Not runtime code.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { H264Config, VideoAccessUnit } from '@glint/media-core';
import { makeTempDir, requireTool } from '@glint/testkit';
import { FlvDemuxer } from '../src/protocols/flv/demuxer.ts';
import { FlvMediaReader } from '../src/protocols/flv/flv-media-reader.ts';
import type { LiveStream } from '../src/stream/live-stream.ts';

const run = promisify(execFile);

export interface SourceClip {
  readonly config: H264Config;
  readonly frames: readonly VideoAccessUnit[];
  readonly fps: number;
}

/** `seconds` of testsrc2 at `width`x`height`, libx264 with 3 B-frames and a 1 s GOP. */
export async function encodeSourceClip(width: number, height: number, seconds: number, fps = 30): Promise<SourceClip> {
  const dir = makeTempDir('ladder-src');
  try {
    const file = dir.file('source.flv');
    await run(requireTool('ffmpeg'), [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`],
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-g', String(fps)],
      ...['-keyint_min', String(fps), '-sc_threshold', '0', '-b:v', '3000k', '-f', 'flv', '-y', file],
    ]);
    const demuxer = new FlvDemuxer();
    const reader = new FlvMediaReader();
    let config: H264Config | null = null;
    const frames: VideoAccessUnit[] = [];
    for (const tag of demuxer.push(new Uint8Array(readFileSync(file)))) {
      const event = reader.tag(tag);
      if (event?.kind === 'video-config') config = event.config;
      else if (event?.kind === 'video') frames.push(event.au);
    }
    if (!config) throw new Error('the source clip has no AVC sequence header');
    return { config, frames, fps };
  } finally {
    dir.remove();
  }
}

export interface Playback {
  /** Every access unit pushed so far (bounded by the test's length), as pushed. */
  readonly pushed: VideoAccessUnit[];
  stop(): void;
}

/**
 * Pushes the clip's config, then its frames at the pace of their DTS, looped, from `startPts90k` on; B-frames keep
 * their reordering. Audio is left out (the ladder ignores it).
 */
export function playSource(stream: LiveStream, clip: SourceClip, startPts90k = 900_000): Playback {
  stream.push({ kind: 'tracks', tracks: { video: true, audio: false } });
  stream.push({ kind: 'video-config', config: clip.config });
  const frameTicks = Math.round(90_000 / clip.fps);
  const clipTicks = clip.frames.length * frameTicks;
  const first = clip.frames[0]!.dts90k;
  const pushed: VideoAccessUnit[] = [];
  const start = performance.now();
  let n = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((performance.now() - start) * 90) / frameTicks);
    for (; n <= due; n++) {
      const au = clip.frames[n % clip.frames.length]!;
      const shift = startPts90k - first + Math.floor(n / clip.frames.length) * clipTicks;
      const moved = { ...au, pts90k: au.pts90k + shift, dts90k: au.dts90k + shift };
      if (pushed.length < 100_000) pushed.push(moved);
      stream.push({ kind: 'video', au: moved });
    }
    setTimeout(tick, 5);
  };
  tick();
  return {
    pushed,
    stop: () => {
      stopped = true;
    },
  };
}
