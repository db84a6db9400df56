import type { Fixture } from '@glint/testkit';
import { progress } from '../lib/progress.ts';
import { median } from '../lib/stats.ts';
import { ffmpegCpuMs } from './ffmpeg-cpu.ts';
import { muxOnce, prepareInput } from './mux-cost.ts';
import type { MuxReport, MuxRow } from './report-mux.ts';

const WARMUP_RUNS = 2;
const RUNS = 9;
/**
 * Each packager run pushes the media this many times; the long ffmpeg runs repeat the input as often, and their
 * difference to a single pass is ffmpeg's steady-state cost.
 */
const LOOPS = 10;

/** Measure (a): the packager and ffmpeg, interleaved run by run so drifts in machine load hit both alike. */
export function runMux(media: Fixture): MuxReport & { raw: Record<string, number[]> } {
  const mediaSec = media.duration90k / 90000;
  const annexb = prepareInput(media, 'annexb', LOOPS);
  const avcc = prepareInput(media, 'avcc', LOOPS);
  const p = progress('mux');
  for (let i = 0; i < WARMUP_RUNS; i++) {
    p.update(`warm-up ${i + 1}/${WARMUP_RUNS}`);
    muxOnce(annexb);
    muxOnce(avcc);
  }
  const raw: Record<string, number[]> = {
    annexb: [],
    avcc: [],
    fragOnce: [],
    fragLoop: [],
    hlsOnce: [],
    hlsLoop: [],
  };
  const push = (key: string, value: number) => raw[key]?.push(value);
  for (let i = 0; i < RUNS; i++) {
    p.update(`run ${i + 1}/${RUNS}: packager and ffmpeg, ${(LOOPS * mediaSec).toFixed(0)} s of media each`);
    push('annexb', muxOnce(annexb).cpuMs);
    push('avcc', muxOnce(avcc).cpuMs);
    push('fragOnce', ffmpegCpuMs(media.mp4, media.dir, 'fmp4-frag', 1));
    push('fragLoop', ffmpegCpuMs(media.mp4, media.dir, 'fmp4-frag', LOOPS));
    push('hlsOnce', ffmpegCpuMs(media.mp4, media.dir, 'hls-fmp4', 1));
    push('hlsLoop', ffmpegCpuMs(media.mp4, media.dir, 'hls-fmp4', LOOPS));
  }
  p.done(`${RUNS} runs of each muxer done`);
  const perSec = (list: readonly number[] | undefined, passes: number) =>
    (list ?? []).map((ms) => ms / (passes * mediaSec));
  // Steady state: pair each long run with the median short run, so start-up and probing cancel out.
  const steady = (loop: string, once: string) => {
    const start = median(raw[once] ?? []);
    return (raw[loop] ?? []).map((ms) => (ms - start) / ((LOOPS - 1) * mediaSec));
  };
  const rows: MuxRow[] = [
    { name: 'LivePackager, Annex B in (AUD + in-band SPS/PPS)', perMediaSecMs: perSec(raw.annexb, LOOPS) },
    { name: 'LivePackager, AVCC in (as from RTMP)', perMediaSecMs: perSec(raw.avcc, LOOPS) },
    { name: 'ffmpeg -c copy → fMP4 200 ms fragments, steady state', perMediaSecMs: steady('fragLoop', 'fragOnce') },
    { name: 'ffmpeg -c copy → HLS fMP4 1 s segments, steady state', perMediaSecMs: steady('hlsLoop', 'hlsOnce') },
    { name: 'ffmpeg -c copy → fMP4 200 ms fragments, whole process', perMediaSecMs: perSec(raw.fragOnce, 1) },
    { name: 'ffmpeg -c copy → HLS fMP4 1 s segments, whole process', perMediaSecMs: perSec(raw.hlsOnce, 1) },
  ];
  const method = [
    `${RUNS} runs (+${WARMUP_RUNS} warm-up) per muxer, packager and ffmpeg interleaved; source ${mediaSec.toFixed(1)} s.`,
    `Packager: access units prepared in memory (${LOOPS}× the source, shifted timestamps), pushed as fast as possible into a fresh LivePackager`,
    '(200 ms parts, 1 s segments; video and audio renditions), CPU = process.cpuUsage() user+sys delta.',
    'ffmpeg: same MP4, -c copy, CPU = user+sys of the child from bash `time` (getrusage, 1 ms resolution).',
    `Steady state = (run with -stream_loop ${LOOPS - 1} − median single pass) ÷ ${LOOPS - 1}× media: start-up removed.`,
    '"% core @1x" = share of one core a real-time stream costs.',
  ].join('\n        ');
  return {
    method,
    mediaLabel: `${media.spec.width}x${media.spec.height} ${media.spec.fps} fps H.264 High (2 B-frames) ${media.videoKbps.toFixed(0)} kbit/s + AAC ${media.audioKbps.toFixed(0)} kbit/s`,
    rows,
    raw,
  };
}
