/**
 * Measure (b): glass-to-glass latency on loopback in Chromium, WHIP → Glint SFU → WHEP (werift, and mediasoup when its
 * worker is built), and the same two pages connected directly (SDP passed between them by Playwright) as the peer:
 * WebRTC's own latency.
 */

import { loadMediasoup, MediasoupSfu, readyMediasoup } from '@glint/media-server';
import { until } from '@glint/testkit';
import { startWebrtcTestServer } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import type { PageOrigin } from './browser.ts';
import {
  clockOffset,
  closePage,
  postOffer,
  preparePage,
  publisherAnswer,
  publisherOffer,
  type ViewerState,
  viewerAnswer,
  viewerSetup,
  viewerState,
} from './pages.ts';

export interface LatencyOptions {
  readonly warmMs: number;
  readonly samples: number;
  /** Give up collecting after this long once the first frame showed. */
  readonly collectTimeoutMs: number;
}

export type LatencyMode = 'sfu' | 'mediasoup' | 'direct';

/** What each mode is called in tables and charts. */
export const LATENCY_LABELS: Record<LatencyMode, string> = {
  sfu: 'Glint: WHIP → SFU (werift) → WHEP',
  mediasoup: 'Glint: WHIP → SFU (mediasoup) → WHEP',
  direct: 'peer: direct peer-to-peer',
};

export interface LatencyRun {
  readonly mode: LatencyMode;
  readonly latenciesMs: number[];
  readonly viewer: ViewerState;
  /** Viewer tab's clock − publisher tab's clock, ms (both against Date.now()); ~0 means one clock. */
  readonly clockSkewMs: number;
  readonly firstFrameMs: number;
}

const CHANNEL = 'latency';

export async function runLatency(
  browser: Browser,
  origin: PageOrigin,
  mode: LatencyMode,
  options: LatencyOptions,
  say: (text: string) => void,
): Promise<LatencyRun> {
  const context = await browser.newContext();
  const server =
    mode === 'sfu'
      ? await startWebrtcTestServer([CHANNEL])
      : mode === 'mediasoup'
        ? await startWebrtcTestServer([CHANNEL], { engine: await startMediasoup() })
        : undefined;
  try {
    const publisher = await context.newPage();
    const viewer = await context.newPage();
    await Promise.all([preparePage(publisher, origin.url), preparePage(viewer, origin.url)]);
    const started = performance.now();
    say(`${mode}: connecting`);
    const offer = await publisherOffer(publisher);
    if (server) {
      const key = server.keys[CHANNEL] ?? '';
      await publisherAnswer(publisher, await postOffer(publisher, server.url(`/whip/${CHANNEL}`), offer, key));
      await until(() => server.sfu.hasSource(CHANNEL), { what: 'the WHIP source', timeoutMs: 15_000 });
      const viewOffer = await viewerSetup(viewer);
      await viewerAnswer(viewer, await postOffer(viewer, server.url(`/whep/${CHANNEL}`), viewOffer));
    } else {
      await publisherAnswer(publisher, await viewerSetup(viewer, offer));
    }
    await until(async () => (await viewerState(viewer, 0)).samples.length > 0, {
      what: 'the first decoded frame',
      timeoutMs: 20_000,
    });
    const firstFrameMs = performance.now() - started;
    say(`${mode}: first frame after ${firstFrameMs.toFixed(0)} ms; warming up ${options.warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.warmMs));
    const from = (await viewerState(viewer, 0)).samples.length;
    say(`${mode}: collecting ${options.samples} frames`);
    const state = await until(
      async () => {
        const s = await viewerState(viewer, from);
        return s.samples.length >= options.samples ? s : undefined;
      },
      { what: `${options.samples} frames`, timeoutMs: options.collectTimeoutMs },
    );
    const skews = await Promise.all([clockOffset(publisher), clockOffset(viewer)]);
    await Promise.all([closeQuietly(publisher), closeQuietly(viewer)]);
    return {
      mode,
      latenciesMs: state.samples.map((s) => s.latencyMs),
      viewer: state,
      clockSkewMs: (skews[1] ?? 0) - (skews[0] ?? 0),
      firstFrameMs,
    };
  } finally {
    await context.close().catch(() => {});
    await server?.stop();
  }
}

async function startMediasoup(): Promise<MediasoupSfu> {
  const build = readyMediasoup();
  if (!build) throw new Error('the mediasoup worker is not built (npm run sfu:build)');
  return MediasoupSfu.start({ mediasoup: loadMediasoup(build), workerBin: build.workerBin, workers: 1 });
}

async function closeQuietly(page: Page): Promise<void> {
  await closePage(page).catch(() => {});
}
