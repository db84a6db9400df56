/**
 * Tells the stalls a busy machine explains from the ones the stream or the server caused. A stall is the machine's
 * when the page's own timers ran late just before it (the browser was starved of CPU), or when the stream paused
 * upstream: no part appeared for a long while, because the source (ffmpeg, a browser publisher, a feeder timer) or
 * the server's event loop was starved, or it delivered clearly less media than real time. Any other stall happened while parts kept coming and the page had time to
 * take them: that is what a test asserts never happens.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PackagerTimeline } from './llhls-timeline.ts';
import type { PlaybackReport, StallRecord } from './player-probe.ts';

export type StallCause = 'page starved' | 'stream paused' | 'unexplained';

export interface StallVerdict {
  readonly stall: StallRecord;
  readonly cause: StallCause;
}

export interface JudgeOptions {
  /** Page timers this late (ms) in the 2 s before a stall mean the browser was starved. Default 400. */
  readonly starvedMs?: number;
  /** No part for this long (ms) in the 3 s before a stall means the stream paused upstream. Default 800. */
  readonly pausedMs?: number;
}

/**
 * Judges the stalls of the judged window. `windowStartMs` is performance.now() in this process when the window began
 * (observePlayback's `windowStartedAtMs`), to place a stall on the timeline's clock.
 */
export function judgeStalls(
  report: PlaybackReport,
  timeline: PackagerTimeline | undefined,
  options: JudgeOptions = {},
): StallVerdict[] {
  const starvedMs = options.starvedMs ?? 400;
  const pausedMs = options.pausedMs ?? 800;
  return report.stallDetails
    .filter((stall) => stall.atSec >= 0)
    .map((stall): StallVerdict => {
      if (stall.pageLagMs >= starvedMs) return { stall, cause: 'page starved' };
      const atMs = report.windowStartedAtMs + stall.atSec * 1000;
      const renditions = new Set(timeline?.parts.map((p) => p.rendition) ?? []);
      // Paused: no part for a long while. Or slowed: the source delivered clearly less than real time (an encoder
      // starved of CPU), so any player at the live edge must run dry.
      const paused = [...renditions].some(
        (r) =>
          (timeline?.longestWaitMs(r, atMs - 3000, atMs) ?? 0) >= pausedMs ||
          (timeline?.mediaSecBetween(r, atMs - 3000, atMs) ?? 3) < 3 - pausedMs / 2000,
      );
      return { stall, cause: paused ? 'stream paused' : 'unexplained' };
    });
}

export function describeVerdicts(verdicts: readonly StallVerdict[]): string {
  if (verdicts.length === 0) return 'no stall in the window';
  return verdicts.map((v) => `stall at ${v.stall.atSec.toFixed(2)} s: ${v.cause}`).join('; ');
}

/**
 * How far playback may fall behind the clock in a window without a stall: 0.5 s, plus the longest the page's timers
 * ran late (a starved renderer plays late by that much, and hls.js catches up at most 1.5x). A deficit beyond that
 * is the player's or the server's.
 */
export function paceToleranceSec(report: PlaybackReport): number {
  return 0.5 + report.maxPageLagMs / 1000;
}

/**
 * The event-loop delay of this process (where the server under test runs) over a window: a blocking reload cannot
 * be answered sooner than the loop that answers it gets to run, so a bound on answer times adds the loop's worst
 * delay seen in the window, which is under 30 ms on a quiet machine.
 */
export function watchEventLoop(): { stop(): { readonly p95Ms: number; readonly maxMs: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return { p95Ms: histogram.percentile(95) / 1e6, maxMs: histogram.max / 1e6 };
    },
  };
}
