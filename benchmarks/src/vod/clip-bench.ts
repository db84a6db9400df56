/**
 * Time to make a clip from the archive. A source (testsrc2 with a little noise, x264 veryfast High with 2 B-frames,
 * a 1 s keyframe interval, AAC) is published over RTMP to a whole Glint, which archives it; then Glint's ClipMaker
 * makes a clip of [start, start + length) with the edges mid-GOP (only the partial GOPs re-encoded, the rest copied).
 * Peers from the same source recording in the same run: ffmpeg re-encoding the whole range (accurate) and ffmpeg
 * stream-copying it (fast, but it starts at the keyframe before the asked start). Time = wall time of the job; CPU =
 * the ffmpeg children's user + system time (/proc/self/stat cutime + cstime).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClipMaker } from '@glint/media-server';
import { until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import type { Scratch } from '../lib/scratch.ts';

export interface ClipBenchOptions {
  readonly scratch: Scratch;
  readonly heights: readonly number[];
  /** Seconds of source per height. */
  readonly sourceSec: number;
  readonly clipSec: number;
  /** Clip start, s: mid-GOP so both edges need re-encoding. */
  readonly startSec: number;
  readonly repeats: number;
  readonly step: (text: string) => void;
}

export interface ClipRun {
  readonly method: string;
  readonly height: number;
  readonly requestedSec: number;
  /** Wall time per repeat, s. */
  readonly seconds: readonly number[];
  /** ffmpeg CPU (children), s per repeat. */
  readonly cpuSeconds: readonly number[];
  /** |video duration − requested|, ms: frames ffprobe counts ÷ fps (a stream copy keeps the GOP before the start). */
  readonly durationErrorMs: number;
  readonly firstFrameKey: boolean;
  readonly decodeErrors: string;
}

const FPS = 30;

export async function runClipBench(options: ClipBenchOptions): Promise<ClipRun[]> {
  const runs: ClipRun[] = [];
  for (const height of options.heights) runs.push(...(await runHeight(options, height)));
  return runs;
}

async function runHeight(options: ClipBenchOptions, height: number): Promise<ClipRun[]> {
  const dir = options.scratch.dir('glint-bench-clip-');
  const width = Math.round((height * 16) / 9 / 2) * 2;
  const source = join(dir, 'source.flv');
  options.step(`${height}p: encoding ${options.sourceSec} s of source`);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${FPS},noise=alls=8:allf=t`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(options.sourceSec)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-pix_fmt', 'yuv420p'],
    ...['-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0', '-b:v', `${Math.round(height * 4)}k`],
    ...['-c:a', 'aac', '-b:a', '128k', '-f', 'flv', source],
  ]);
  const t = await startGlint(['clips'], { reconnectGraceMs: 500 });
  try {
    options.step(`${height}p: publishing to Glint (archived as it plays)`);
    // In real time: the archive sees what a live broadcast gives it. (Not execFileSync: the server is in this process.)
    const publisher = options.scratch.spawn(
      'ffmpeg',
      ['-v', 'error', '-nostdin', '-re', '-i', source, '-c', 'copy', '-f', 'flv', t.rtmp('clips')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const code = await publisher.exited;
    if (code !== 0) throw new Error(`publishing ffmpeg exited with ${code}: ${publisher.stderr()}`);
    const broadcastId = await until(async () => (await t.glint.platform.broadcasts.list('clips', {})).items[0]?.id, {
      timeoutMs: 10_000,
      what: 'the broadcast record',
    });
    await until(async () => (await t.glint.platform.vods.summary(broadcastId))?.state === 'ready', {
      timeoutMs: 15_000,
      what: 'the VOD to be ready',
    });
    await t.glint.vod.drained();
    const maker = new ClipMaker({ store: t.glint.vod.store, index: t.glint.platform.vods });
    const startUs = Math.round(options.startSec * 1e6);
    const durationUs = Math.round(options.clipSec * 1e6);
    const glint: number[] = [];
    const glintCpu: number[] = [];
    let out = '';
    for (let i = 0; i < options.repeats; i++) {
      options.step(`${height}p: Glint clip ${i + 1}/${options.repeats}`);
      const cpu0 = childCpuSeconds();
      const t0 = performance.now();
      const made = await maker.make({ clipId: `bench${height}x${i}`, broadcastId, startUs, durationUs });
      glint.push((performance.now() - t0) / 1000);
      glintCpu.push(childCpuSeconds() - cpu0);
      const bytes = await t.glint.vod.store.get(made.videoKey);
      if (!bytes) throw new Error('the clip is not in the store');
      out = join(dir, `glint-${i}.mp4`);
      writeFileSync(out, bytes);
    }
    // The archive's timeline starts at the broadcast's first segment; the source's at 0: they are the same media.
    const runs: ClipRun[] = [
      {
        method: 'Glint (copy + re-encode the edges)',
        height,
        requestedSec: options.clipSec,
        seconds: glint,
        cpuSeconds: glintCpu,
        ...check(out, options.clipSec),
      },
    ];
    for (const peer of ['re-encode', 'copy'] as const) {
      const times: number[] = [];
      const cpus: number[] = [];
      let file = '';
      for (let i = 0; i < options.repeats; i++) {
        options.step(`${height}p: peer ffmpeg ${peer} ${i + 1}/${options.repeats}`);
        file = join(dir, `peer-${peer}-${i}.mp4`);
        const cpu0 = childCpuSeconds();
        const t0 = performance.now();
        execFileSync('ffmpeg', [
          ...[
            '-v',
            'error',
            '-nostdin',
            '-y',
            '-ss',
            String(options.startSec),
            '-i',
            source,
            '-t',
            String(options.clipSec),
          ],
          ...(peer === 'copy'
            ? ['-c', 'copy']
            : [
                '-c:v',
                'libx264',
                '-preset',
                'veryfast',
                '-profile:v',
                'high',
                '-b:v',
                `${Math.round(height * 4)}k`,
                '-c:a',
                'aac',
              ]),
          ...['-movflags', '+faststart', file],
        ]);
        times.push((performance.now() - t0) / 1000);
        cpus.push(childCpuSeconds() - cpu0);
      }
      runs.push({
        method: peer === 'copy' ? 'peer: ffmpeg -c copy' : 'peer: ffmpeg re-encode all',
        height,
        requestedSec: options.clipSec,
        seconds: times,
        cpuSeconds: cpus,
        ...check(file, options.clipSec),
      });
    }
    return runs;
  } finally {
    await t.stop();
  }
}

/** Duration and start against the request (ffprobe), first frame a keyframe, decode errors (ffmpeg). */
function check(file: string, clipSec: number): Pick<ClipRun, 'durationErrorMs' | 'firstFrameKey' | 'decodeErrors'> {
  const frames = probeFrames(file);
  const duration = frames.length / FPS;
  const first = frames[0];
  const decode = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  return {
    durationErrorMs: Math.abs(duration - clipSec) * 1000,
    firstFrameKey: first?.key_frame === 1,
    decodeErrors: decode.stderr.trim().slice(0, 200),
  };
}

function probeFrames(file: string): { key_frame: number; pts_time?: string }[] {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-of', 'json', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame,pts_time', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return (JSON.parse(r.stdout) as { frames?: { key_frame: number; pts_time?: string }[] }).frames ?? [];
}

/** CPU seconds of this process's finished children (ffmpeg). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[13]) + Number(fields[14]);
  return ticks / 100;
}
