/**
 * Watches a page that plays with hls.js (`window.hls`, a `<video>`), from the test's side: counts stalls, follows
 * currentTime and reads the latency hls.js reports. The page under test owns the player; this only observes.
 *
 * Playback is judged after a warm-up: hls.js joins a live stream at the edge with the least buffer it will ever have,
 * on a page that is still loading, so its first seconds say more about the machine than about the stream. Stalls
 * during the warm-up are counted and reported apart. Each stall is recorded with what was buffered (per source
 * buffer) and how late the page's own timers ran just before it: a starved browser shows as a late page.
 */
import type { Page } from 'playwright-core';

export interface StallRecord {
  /** Seconds into the judged window (negative: during the warm-up). */
  readonly atSec: number;
  readonly currentTime: number;
  /** Buffered ranges per source buffer, e.g. `video/mp4 1.00-3.40`. */
  readonly buffered: readonly string[];
  /** The longest a 50 ms page timer ran late in the 2 s before the stall (ms). */
  readonly pageLagMs: number;
}

export interface PlaybackReport {
  readonly playedSec: number;
  readonly wallSec: number;
  /** performance.now() in the test process when the judged window began (to place stalls on a server timeline). */
  readonly windowStartedAtMs: number;
  /** Stalls (hls.js BUFFER_STALLED_ERROR) in the judged window, after the warm-up. */
  readonly stalls: number;
  readonly waitingEvents: number;
  /** Stalls from the first frame to the end of the warm-up. */
  readonly warmUpStalls: number;
  readonly warmUpSec: number;
  readonly stallDetails: readonly StallRecord[];
  readonly fatalErrors: string[];
  /** hls.js' own latency estimate (s), sampled each second. */
  readonly latencySec: number[];
  /** Wall clock minus the PROGRAM-DATE-TIME of the frame on screen (s): ingest-to-display. */
  readonly pdtLatencySec: number[];
  /** The longest a 50 ms page timer ran late during the window (ms): how starved the browser was. */
  readonly maxPageLagMs: number;
}

export interface ObserveOptions {
  /** Seconds of playback before the judged window starts; default 3. */
  readonly warmUpSec?: number;
}

interface ProbeState {
  /** The page assigned `window.hls`: without it no stall could be counted. */
  hooked: boolean;
  stalls: Array<{ atMs: number; currentTime: number; buffered: string[]; pageLagMs: number }>;
  waiting: number[];
  fatal: string[];
  lags: Array<{ atMs: number; lagMs: number }>;
}

/**
 * Installs the probe in the page before its scripts run: hooks hls.js as soon as the page assigns `window.hls`, the
 * video's `waiting` events, the source buffers (for what was buffered at a stall) and a page-lag meter.
 */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe: ProbeState = { hooked: false, stalls: [], waiting: [], fatal: [], lags: [] };
    const w = window as unknown as Record<string, unknown>;
    w.__probe = probe;
    const buffers: Array<{ mime: string; sb: SourceBuffer }> = [];
    const addSourceBuffer = MediaSource.prototype.addSourceBuffer;
    MediaSource.prototype.addSourceBuffer = function (this: MediaSource, mime: string) {
      const sb = addSourceBuffer.call(this, mime);
      buffers.push({ mime: mime.split(';')[0] ?? mime, sb });
      return sb;
    };
    const ranges = (r: TimeRanges) =>
      Array.from({ length: r.length }, (_, i) => `${r.start(i).toFixed(2)}-${r.end(i).toFixed(2)}`).join(',');
    const buffered = () =>
      buffers.map(({ mime, sb }) => {
        try {
          return `${mime} ${ranges(sb.buffered)}`;
        } catch {
          return `${mime} (removed)`;
        }
      });
    let expected = performance.now() + 50;
    setInterval(() => {
      const now = performance.now();
      const lagMs = now - expected;
      expected = now + 50;
      if (lagMs > 20) probe.lags.push({ atMs: now, lagMs });
    }, 50);
    const lagBefore = (atMs: number) =>
      Math.max(0, ...probe.lags.filter((l) => l.atMs > atMs - 2000 && l.atMs <= atMs).map((l) => l.lagMs));
    document.addEventListener('waiting', () => probe.waiting.push(performance.now()), true);
    interface HlsLike {
      on(event: string, cb: (e: unknown, data: { details: string; fatal: boolean }) => void): void;
    }
    let hls: HlsLike | undefined;
    Object.defineProperty(window, 'hls', {
      configurable: true,
      get: () => hls,
      set: (value: HlsLike | undefined) => {
        hls = value;
        if (value) probe.hooked = true;
        value?.on('hlsError', (_e, data) => {
          const atMs = performance.now();
          if (data.details === 'bufferStalledError') {
            const currentTime = document.querySelector('video')?.currentTime ?? 0;
            probe.stalls.push({ atMs, currentTime, buffered: buffered(), pageLagMs: lagBefore(atMs) });
          }
          if (data.fatal) probe.fatal.push(data.details);
        });
      },
    });
  });
}

export async function observePlayback(
  page: Page,
  seconds: number,
  options: ObserveOptions = {},
): Promise<PlaybackReport> {
  const warmUpSec = options.warmUpSec ?? 3;
  // Starting is a state to wait for, not what is judged: on a machine running two suites the page and the player's
  // first part took over 20 s; what counts starts once it plays.
  await page.waitForFunction(
    () => {
      const v = document.querySelector('video');
      return v !== null && v.currentTime > 0 && !v.paused;
    },
    undefined,
    { timeout: 45_000 },
  );
  const firstTime = await page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);
  // The warm-up ends on a condition (this much played), not after a fixed time: a slow start only delays it.
  await page.waitForFunction(
    (until) => (document.querySelector('video')?.currentTime ?? 0) >= until,
    firstTime + warmUpSec,
    { timeout: (warmUpSec + 20) * 1000, polling: 100 },
  );
  const start = await page.evaluate(() => ({
    time: document.querySelector('video')?.currentTime ?? 0,
    atMs: performance.now(),
  }));
  const startWall = Date.now();
  const windowStartedAtMs = performance.now();
  const latencySec: number[] = [];
  const pdtLatencySec: number[] = [];
  // One sample a second over the window: a measurement period, not a wait for a state.
  for (let i = 0; i < seconds; i++) {
    await page.waitForTimeout(1000);
    const sample = await page.evaluate(() => {
      const hls = (window as unknown as { hls?: { latency: number; playingDate: Date | null } }).hls;
      return { latency: hls?.latency ?? Number.NaN, playing: hls?.playingDate?.getTime() ?? null, now: Date.now() };
    });
    if (Number.isFinite(sample.latency)) latencySec.push(sample.latency);
    if (sample.playing !== null) pdtLatencySec.push((sample.now - sample.playing) / 1000);
  }
  const end = await page.evaluate(() => {
    const probe = (window as unknown as { __probe: ProbeState }).__probe;
    return { time: document.querySelector('video')?.currentTime ?? 0, atMs: performance.now(), probe };
  });
  if (!end.probe.hooked) throw new Error('the page never assigned window.hls: its stalls could not be counted');
  const inWindow = (t: number) => t >= start.atMs && t <= end.atMs;
  const stallDetails = end.probe.stalls.map((s) => ({
    atSec: (s.atMs - start.atMs) / 1000,
    currentTime: s.currentTime,
    buffered: s.buffered,
    pageLagMs: Math.round(s.pageLagMs),
  }));
  return {
    playedSec: end.time - start.time,
    wallSec: (Date.now() - startWall) / 1000,
    windowStartedAtMs,
    stalls: end.probe.stalls.filter((s) => inWindow(s.atMs)).length,
    waitingEvents: end.probe.waiting.filter(inWindow).length,
    warmUpStalls: end.probe.stalls.filter((s) => s.atMs < start.atMs).length,
    warmUpSec,
    stallDetails,
    fatalErrors: end.probe.fatal,
    latencySec,
    pdtLatencySec,
    maxPageLagMs: Math.round(Math.max(0, ...end.probe.lags.filter((l) => inWindow(l.atMs)).map((l) => l.lagMs))),
  };
}

/** One line for a test's output: what hls.js did in the window, the warm-up apart, and each stall's context. */
export function describePlayback(label: string, report: PlaybackReport): string {
  const stalls = report.stallDetails.map(
    (s) =>
      `\n  stall at ${s.atSec.toFixed(2)} s (t=${s.currentTime.toFixed(2)}; page ${s.pageLagMs} ms late): ${s.buffered.join('; ')}`,
  );
  return (
    `[${label}] played ${report.playedSec.toFixed(2)} s in ${report.wallSec.toFixed(2)} s after a ${report.warmUpSec} s ` +
    `warm-up; stalls ${report.stalls} (warm-up ${report.warmUpStalls}); waiting ${report.waitingEvents}; ` +
    `hls.js latency median ${median(report.latencySec).toFixed(3)} s; ingest-to-display (PDT) median ` +
    `${median(report.pdtLatencySec).toFixed(3)} s; page timers up to ${report.maxPageLagMs} ms late${stalls.join('')}`
  );
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
