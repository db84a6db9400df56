import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export type FfmpegMuxer = 'hls-fmp4' | 'fmp4-frag';

/**
 * ffmpeg remuxing the source MP4 with `-c copy`, timed by bash's `time` keyword (getrusage of the waited child:
 * user + system CPU of the whole ffmpeg process and its threads, millisecond resolution). `loops` repeats the input
 * with `-stream_loop` so a long run and a short one can be subtracted to cancel start-up cost.
 */
export function ffmpegCpuMs(source: string, scratch: string, muxer: FfmpegMuxer, loops: number): number {
  const out = mkdtempSync(join(scratch, `ffmpeg-${muxer}-`));
  const input = ['-stream_loop', String(loops - 1), '-i', source, '-c', 'copy'];
  const args =
    muxer === 'hls-fmp4'
      ? [...input, '-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', '1', '-hls_playlist_type', 'event'].concat([
          '-hls_segment_filename',
          join(out, 's%d.m4s'),
          join(out, 'index.m3u8'),
        ])
      : [...input, '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof'].concat([
          '-frag_duration',
          '200000',
          join(out, 'out.mp4'),
        ]);
  // ffmpeg's own errors and bash's timing report both come out on stdout; the timing is the last line.
  const script = 'TIMEFORMAT="%3U %3S"; { time "$@" </dev/null >/dev/null; } 2>&1';
  const cmd = ['ffmpeg', '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args];
  try {
    return parseTimes(execFileSync('bash', ['-c', script, 'bash', ...cmd], { encoding: 'utf8' }));
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`ffmpeg ${muxer} failed: ${String(error)} ${output.slice(-500)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function parseTimes(stderr: string): number {
  const match = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(stderr);
  if (!match) throw new Error(`could not read bash's time output: ${JSON.stringify(stderr.slice(-200))}`);
  return (Number(match[1]) + Number(match[2])) * 1000;
}
