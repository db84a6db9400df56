/**
 * Watches a page that plays with hls.js (`window.hls`, a `<video>`), from the test's side: counts stalls, follows
 * currentTime and reads the latency hls.js reports. The page under test owns the player; this only observes.
 */
import type { Page } from 'playwright-core';

export interface PlaybackReport {
  readonly playedSec: number;
  readonly wallSec: number;
  readonly stalls: number;
  readonly waitingEvents: number;
  readonly fatalErrors: string[];
  /** hls.js' own latency estimate (s), sampled each second. */
  readonly latencySec: number[];
  /** Wall clock minus the PROGRAM-DATE-TIME of the frame on screen (s): ingest-to-display. */
  readonly pdtLatencySec: number[];
}

/** Installs counters in the page; call before playback starts. */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__probe = { stalls: 0, waiting: 0, fatal: [] as string[], started: false };
  });
}

export async function observePlayback(page: Page, seconds: number): Promise<PlaybackReport> {
  await page.waitForFunction(
    () => {
      const v = document.querySelector('video');
      return v !== null && v.currentTime > 0 && !v.paused;
    },
    undefined,
    { timeout: 20_000 },
  );
  await page.evaluate(() => {
    const w = window as unknown as { __probe: { waiting: number; stalls: number; fatal: string[] }; hls?: HlsLike };
    const v = document.querySelector('video');
    v?.addEventListener('waiting', () => w.__probe.waiting++);
    w.hls?.on('hlsError', (_e: unknown, data: { details: string; fatal: boolean }) => {
      if (data.details === 'bufferStalledError') w.__probe.stalls++;
      if (data.fatal) w.__probe.fatal.push(data.details);
    });
    interface HlsLike {
      on(event: string, cb: (e: unknown, data: { details: string; fatal: boolean }) => void): void;
    }
  });
  const startTime = await page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);
  const startWall = Date.now();
  const latencySec: number[] = [];
  const pdtLatencySec: number[] = [];
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
    const w = window as unknown as { __probe: { waiting: number; stalls: number; fatal: string[] } };
    return { time: document.querySelector('video')?.currentTime ?? 0, ...w.__probe };
  });
  return {
    playedSec: end.time - startTime,
    wallSec: (Date.now() - startWall) / 1000,
    stalls: end.stalls,
    waitingEvents: end.waiting,
    fatalErrors: end.fatal,
    latencySec,
    pdtLatencySec,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
