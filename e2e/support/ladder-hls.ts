/**
 * A live multi-variant HLS stream without Glint: ffmpeg encodes a test pattern in real time into a ladder of video
 * variants (scaled from one source, keyframes aligned) that share one audio rendition, 1 s segments, and writes the
 * multivariant playlist and media playlists into a folder. Stands in for the media server's transcoding ladder until
 * it is wired; the watch page's player does not know the difference.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, until } from '@glint/testkit';

export interface LadderRung {
  readonly width: number;
  readonly height: number;
  readonly videoKbps: number;
}

export interface LadderHls {
  /** The multivariant playlist's path in the folder. */
  readonly master: string;
  /** Resolves once every variant's media playlist lists `segments` segments. */
  ready(segments: number): Promise<void>;
  stop(): void;
}

const STDERR_BOUND = 8192;

/** The first rung is the source: it is encoded at its size, the others are scaled from it. */
export function startLadderHls(dir: string, rungs: readonly LadderRung[], fps = 30): LadderHls {
  requireTool('ffmpeg');
  const [source] = rungs;
  if (!source) throw new Error('a ladder needs at least one rung');
  const splits = rungs.map((_, i) => `[s${i}]`).join('');
  const scales = rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}[v${i}]`).join(';');
  const args = [
    ...['-v', 'error', '-nostdin', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${source.width}x${source.height}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-filter_complex', `[0:v]split=${rungs.length}${splits};${scales}`],
    ...rungs.flatMap((_, i) => ['-map', `[v${i}]`]),
    ...['-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    // One keyframe a second on every rung, so segments line up and hls.js can switch at any boundary.
    ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0'],
    ...rungs.flatMap((r, i) => [
      `-b:v:${i}`,
      `${r.videoKbps}k`,
      `-maxrate:v:${i}`,
      `${r.videoKbps}k`,
      `-bufsize:v:${i}`,
      `${r.videoKbps}k`,
    ]),
    ...['-c:a', 'aac', '-b:a', '96k', '-ac', '2'],
    ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '8'],
    ...['-hls_flags', 'delete_segments+independent_segments+temp_file'],
    ...['-master_pl_name', 'index.m3u8'],
    ...['-var_stream_map', [...rungs.map((_, i) => `v:${i},agroup:aud`), 'a:0,agroup:aud,default:yes'].join(' ')],
    ...['-hls_segment_filename', join(dir, 'stream_%v', 'seg%d.ts')],
    join(dir, 'stream_%v', 'index.m3u8'),
  ];
  const child: ChildProcess = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_BOUND);
  });
  const master = join(dir, 'index.m3u8');
  const variants = rungs.length + 1;
  const segmentsIn = (i: number) => {
    const path = join(dir, `stream_${i}`, 'index.m3u8');
    return existsSync(path) ? (readFileSync(path, 'utf8').match(/^#EXTINF:/gm) ?? []).length : 0;
  };
  return {
    master,
    ready: async (segments) => {
      await until(
        () =>
          child.exitCode === null &&
          existsSync(master) &&
          Array.from({ length: variants }, (_, i) => segmentsIn(i)).every((n) => n >= segments),
        {
          what: `${segments} segments in each of ${variants} ffmpeg HLS variants`,
          timeoutMs: 30_000,
          detail: () => `ffmpeg exit ${child.exitCode}; ${stderr}`,
        },
      );
    },
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}

/** A STREAM-INF line's facts, read from the multivariant playlist as the test's own independent parse. */
export interface StreamInf {
  readonly width: number;
  readonly height: number;
  readonly bandwidth: number;
  readonly codecs: string;
  readonly audio: string;
}

export function readStreamInfs(masterText: string): StreamInf[] {
  return [...masterText.matchAll(/^#EXT-X-STREAM-INF:(.*)$/gm)].map((m) => {
    const attrs = m[1] ?? '';
    const res = /RESOLUTION=(\d+)x(\d+)/.exec(attrs);
    return {
      width: Number(res?.[1] ?? 0),
      height: Number(res?.[2] ?? 0),
      bandwidth: Number(/(?:^|,)BANDWIDTH=(\d+)/.exec(attrs)?.[1] ?? 0),
      codecs: /CODECS="([^"]*)"/.exec(attrs)?.[1] ?? '',
      audio: /AUDIO="([^"]*)"/.exec(attrs)?.[1] ?? '',
    };
  });
}
