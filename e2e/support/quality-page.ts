/**
 * The watch page's quality menu seen from a test: opens the page with counters installed before its scripts (waiting
 * events after playback began, hls.js LEVEL_SWITCHED levels), reads what the player and the page show, and waits for
 * playback at a height.
 */
import { until } from '@glint/testkit';
import type { Page } from 'playwright-core';
import type { StreamInf } from './ladder-hls.ts';

/** The labels the menu should show, from the playlist's own STREAM-INF lines: best first, the top one the source. */
export function expectedLabels(infs: readonly StreamInf[]): string[] {
  const rate = (bps: number) =>
    bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mbit/s` : `${Math.round(bps / 1000)} kbit/s`;
  const sorted = [...infs].sort((a, b) => b.height - a.height);
  return sorted.map((v, i) => (i === 0 ? `Source (${v.height}p)` : `${v.height}p · ${rate(v.bandwidth)}`));
}

/** Counts `waiting` after the first `playing`, and records hls.js' LEVEL_SWITCHED levels, from before page scripts. */
export async function openWatchPage(tab: Page, url: string): Promise<void> {
  await tab.addInitScript(() => {
    const seen = { playing: false, waitingAfterPlay: 0, switched: [] as number[], hooked: false };
    (window as unknown as { __quality: typeof seen }).__quality = seen;
    document.addEventListener('playing', () => (seen.playing = true), true);
    document.addEventListener('waiting', () => seen.playing && seen.waitingAfterPlay++, true);
  });
  await tab.goto(url);
  // The page loads hls.js when it starts playing: wait for its player, not just the page.
  await tab.waitForFunction(
    () => (window as unknown as { glintPlayer?: { hls: unknown } }).glintPlayer?.hls,
    undefined,
    { timeout: 20_000 },
  );
  await tab.evaluate(() => {
    const seen = (window as unknown as { __quality: { switched: number[]; hooked: boolean } }).__quality;
    const page = window as unknown as { glintPlayer: { hls: import('hls.js').default | null } };
    const hls = page.glintPlayer.hls;
    if (!hls) throw new Error('the watch page started no hls.js');
    // hls.js' Events.LEVEL_SWITCHED: the page imports hls.js as a module, so there is no global Hls to read it from.
    hls.on('hlsLevelSwitched' as import('hls.js').Events.LEVEL_SWITCHED, (_event, data) =>
      seen.switched.push(data.level),
    );
    seen.hooked = true;
  });
}

export interface PlayerView {
  currentLevel: number;
  levelHeight: number;
  videoHeight: number;
  autoLevelEnabled: boolean;
  currentTime: number;
  waitingAfterPlay: number;
  switched: number[];
  latency: string;
  rendition: string;
}

export function view(tab: Page): Promise<PlayerView> {
  return tab.evaluate(() => {
    const w = window as unknown as {
      glintPlayer: { hls: import('hls.js').default };
      __quality: { waitingAfterPlay: number; switched: number[] };
    };
    const hls = w.glintPlayer.hls;
    const video = document.getElementById('video') as HTMLVideoElement;
    return {
      currentLevel: hls.currentLevel,
      levelHeight: hls.levels[hls.currentLevel]?.height ?? 0,
      videoHeight: video.videoHeight,
      autoLevelEnabled: hls.autoLevelEnabled,
      currentTime: video.currentTime,
      waitingAfterPlay: w.__quality.waitingAfterPlay,
      switched: [...w.__quality.switched],
      latency: document.getElementById('latency')?.textContent ?? '',
      rendition: document.getElementById('rendition')?.textContent ?? '',
    };
  });
}

export async function waitForPlayback(tab: Page): Promise<void> {
  await until(async () => (await view(tab)).currentTime > 1.5, { what: 'playback past 1.5 s', timeoutMs: 30_000 });
}

/** Waits until hls.js plays `height` and the video's frames have it too. */
export async function waitForHeight(tab: Page, height: number, timeoutMs = 20_000): Promise<PlayerView> {
  let last: PlayerView | undefined;
  return until(
    async () => {
      const v = await view(tab);
      last = v;
      return v.levelHeight === height && v.videoHeight === height && v.rendition.startsWith(`${height}p`) ? v : false;
    },
    { what: `playback at ${height}p`, timeoutMs, detail: () => `; last seen ${JSON.stringify(last)}` },
  );
}
