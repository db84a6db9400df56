/**
 * Glint's way: a whole Glint with its transcoding ladder on, N channels published over RTMP (our RTMP client,
 * replaying the clip in real time, audio included), one ladder ffmpeg per channel making every rung.
 */
import { until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import { selfCpuMs } from '../ingest/cpu.ts';
import type { FlvFile } from '../ingest/flv.ts';
import { publishRtmp, type RtmpPublisher } from '../latency/broadcast/rtmp-client.ts';
import { type ChannelFigures, type MeasuredChannel, measureWindow } from './measure.ts';
import { startReplay } from './replay.ts';
import type { Rung } from './rungs.ts';

export interface RunTiming {
  /** After every channel's rungs are out, before the window. */
  readonly warmMs: number;
  readonly windowMs: number;
}

export interface LadderRunResult {
  readonly channels: readonly ChannelFigures[];
  /** Glint's Node process (ingest, packaging of source and rungs) plus the replayer, cores. */
  readonly nodeCores: number;
}

export async function runGlintLadders(
  flv: FlvFile,
  rungs: readonly Rung[],
  count: number,
  timing: RunTiming,
  say: (text: string) => void,
): Promise<LadderRunResult> {
  const names = Array.from({ length: count }, (_, i) => `ladder${i + 1}`);
  const g = await startGlint(names, { ladder: rungs, logLevel: 'warn' });
  const publishers: RtmpPublisher[] = [];
  let replay: ReturnType<typeof startReplay> | undefined;
  try {
    say(`publishing ${count} channel(s) over RTMP`);
    for (const name of names) publishers.push(await publishRtmp(g.rtmp(name)));
    replay = startReplay(
      flv,
      (tag) => {
        for (const p of publishers) {
          if (tag.type === 9) p.sendVideo(tag.body, tag.timestampMs);
          else p.sendAudio(tag.body, tag.timestampMs);
        }
      },
      { audio: true },
    );
    const ladders = () => [...g.glint.ladders.values()];
    await until(
      () =>
        ladders().length === count &&
        ladders().every((l) => l.stats.pid !== undefined && l.stats.rungs === rungs.length),
      { what: `${count} ladder(s) running ${rungs.length} rungs`, timeoutMs: 30_000, intervalMs: 100 },
    );
    say(`warming up ${timing.warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, timing.warmMs));
    const channels: MeasuredChannel[] = ladders().map((ladder) => {
      const start = ladder.stats;
      return {
        pids: () => (ladder.stats.pid === undefined ? [] : [ladder.stats.pid]),
        lagMs: () => ladder.stats.lagMs,
        latencyMs: () => ladder.stats.latencyMs,
        trouble: () => {
          const s = ladder.stats;
          if (s.restarts > start.restarts) return `ffmpeg restarted ${s.restarts - start.restarts}×`;
          if (s.shedRungs > start.shedRungs) return `shed ${s.shedRungs - start.shedRungs} rung(s)`;
          return s.rungs < rungs.length ? `${s.rungs} of ${rungs.length} rungs running` : undefined;
        },
      };
    });
    const cpuStart = selfCpuMs();
    const wallStart = performance.now();
    const sent = replay;
    const figures = await measureWindow(channels, () => sent.sentMs, timing.windowMs, say);
    const nodeCores = (selfCpuMs() - cpuStart) / (performance.now() - wallStart);
    return { channels: figures, nodeCores };
  } finally {
    replay?.stop();
    await Promise.all(publishers.map((p) => p.close().catch(() => {})));
    await g.stop();
  }
}
