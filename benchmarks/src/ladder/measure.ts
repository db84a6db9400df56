/**
 * One measured window over the channels of a run: each channel's transcoding processes' CPU time (/proc/<pid>/stat,
 * utime + stime) and how far its output trails the source (lag), sampled every half second.
 */
import { procCpuMs } from '../ingest/cpu.ts';
import { summarize } from '../lib/stats.ts';

export interface MeasuredChannel {
  /** The processes that transcode this channel (the ladder's one ffmpeg, or one per rung). */
  pids(): readonly number[];
  /** Source media sent minus the slowest rung's output, ms. */
  lagMs(): number;
  /** Wall time from a source frame in to its rung frame out, ms (the ladder's own stage), when known. */
  latencyMs?(): number;
  /** Why the channel's figures are not valid (a restart, a shed rung), if they are not. */
  trouble(): string | undefined;
}

export interface ChannelFigures {
  /** CPU time of the channel's processes per wall time: cores busy. */
  readonly cores: number;
  /** Rung media made per wall second over the window (1 is real time). */
  readonly realtimeFactor: number;
  /**
   * CPU seconds per second of rungs made (cores ÷ RTF): the cost that holds on a shared machine, where a method that
   * gets less CPU falls behind and burns less too.
   */
  readonly cpuPerMediaSecond: number;
  readonly lagStartMs: number;
  readonly lagEndMs: number;
  readonly lagMaxMs: number;
  /** The ladder's own stage, median and p95 of the samples, ms (NaN for the peer). */
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  readonly trouble: string | undefined;
}

const SAMPLE_MS = 500;

/** Lag may wander by this much over a window and still count as bounded. */
export const LAG_GROWTH_LIMIT_MS = 500;
/** ... and never pass this (the ladder sheds a rung beyond 1,500 ms). */
export const LAG_LIMIT_MS = 1000;
export const MIN_REALTIME_FACTOR = 0.98;

export function sustained(c: ChannelFigures): boolean {
  return (
    c.trouble === undefined &&
    c.realtimeFactor >= MIN_REALTIME_FACTOR &&
    c.lagMaxMs <= LAG_LIMIT_MS &&
    c.lagEndMs - c.lagStartMs <= LAG_GROWTH_LIMIT_MS
  );
}

function cpuOf(pids: readonly number[]): number | undefined {
  try {
    return pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  } catch {
    return undefined; // a process exited: the channel's trouble says why
  }
}

export async function measureWindow(
  channels: readonly MeasuredChannel[],
  sentMs: () => number,
  windowMs: number,
  say: (text: string) => void,
): Promise<ChannelFigures[]> {
  const pids = channels.map((c) => [...c.pids()]);
  const missing = pids.findIndex((p) => p.length === 0);
  const cpuStart = pids.map(cpuOf);
  const lags: number[][] = channels.map(() => []);
  const latencies: number[][] = channels.map(() => []);
  const sentStart = sentMs();
  const wallStart = performance.now();
  const sample = () =>
    channels.forEach((c, i) => {
      lags[i]!.push(c.lagMs());
      if (c.latencyMs) latencies[i]!.push(c.latencyMs());
    });
  sample();
  while (performance.now() - wallStart < windowMs) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    sample();
    const worst = Math.max(...lags.map((l) => l[l.length - 1] ?? 0));
    say(
      `measuring ${((performance.now() - wallStart) / 1000).toFixed(0)}/${windowMs / 1000} s, worst lag ${worst.toFixed(0)} ms`,
    );
  }
  const wallMs = performance.now() - wallStart;
  const sentDeltaMs = sentMs() - sentStart;
  return channels.map((c, i) => {
    const start = cpuStart[i];
    const end = cpuOf(pids[i]!);
    const samePids = c.pids().join() === pids[i]!.join();
    const l = lags[i]!;
    const lagStartMs = l[0] ?? Number.NaN;
    const lagEndMs = l[l.length - 1] ?? Number.NaN;
    const lat = summarize(latencies[i]!);
    const trouble =
      c.trouble() ??
      (missing === i ? 'no ffmpeg running at the start of the window' : undefined) ??
      (start === undefined || end === undefined || !samePids ? 'a process exited or was replaced' : undefined);
    const cores = start !== undefined && end !== undefined && pids[i]!.length > 0 ? (end - start) / wallMs : Number.NaN;
    const realtimeFactor = (sentDeltaMs - (lagEndMs - lagStartMs)) / wallMs;
    return {
      cores,
      realtimeFactor,
      cpuPerMediaSecond: realtimeFactor > 0.05 ? cores / realtimeFactor : Number.NaN,
      lagStartMs,
      lagEndMs,
      lagMaxMs: Math.max(...l),
      latencyP50Ms: lat.median,
      latencyP95Ms: lat.p95,
      trouble,
    };
  });
}
