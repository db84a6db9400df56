/**
 * Glass to glass through a cascade, in Chromium: the publisher page paints the time into its frames and publishes
 * over WHIP to the origin (Glint, werift SFU, on the root end of a veth pair); one viewer page watches the origin
 * over WHEP, another watches an edge SFU process in its own network namespace (the other end), which pulls the
 * channel from the origin. Both viewers read the same painted stamps at the same time, so each frame seen by both
 * gives the edge's extra delay directly (edge latency − origin latency for that frame).
 */
import { until } from '@glint/testkit';
import type { Browser, Page } from 'playwright-core';
import type { Scratch } from '../lib/scratch.ts';
import {
  clockOffset,
  closePage,
  type LatencySample,
  postOffer,
  preparePage,
  publisherAnswer,
  publisherOffer,
  type ViewerState,
  viewerAnswer,
  viewerSetup,
  viewerState,
} from '../webrtc/pages.ts';
import { startEdgeProcess } from './edge-process.ts';

export interface CascadeOptions {
  readonly warmMs: number;
  readonly samples: number;
  readonly collectTimeoutMs: number;
}

export interface CascadeRun {
  readonly edgeEngine: string;
  readonly origin: LatencySample[];
  readonly edge: LatencySample[];
  /** Per frame seen by both viewers: edge latency − origin latency, ms. */
  readonly extraMs: number[];
  readonly originState: ViewerState;
  readonly edgeState: ViewerState;
  readonly edgeFirstFrameMs: number;
  readonly clockSkewMs: number;
}

export interface CascadeSetup {
  readonly browser: Browser;
  /** A page every tab starts from (same origin for all, no CSP in the way of the injected scripts). */
  readonly pageUrl: string;
  readonly scratch: Scratch;
  /** The origin's base URL (on the veth's root end) and the stream key of `channel`. */
  readonly originUrl: string;
  readonly channel: string;
  readonly streamKey: string;
  readonly namespace: string;
  readonly edgeAddress: string;
}

/** The painted stamp a sample read (display time − latency), to pair the two viewers' samples. */
function stampOf(s: LatencySample): number {
  return Math.round(s.displayMs - s.latencyMs);
}

async function watch(page: Page, whepUrl: string): Promise<void> {
  const offer = await viewerSetup(page);
  await viewerAnswer(page, await postOffer(page, whepUrl, offer));
}

/** The publisher and the origin viewer, kept for every edge run. */
export async function startOriginSide(setup: CascadeSetup): Promise<{ publisher: Page; viewer: Page }> {
  const context = await setup.browser.newContext();
  const publisher = await context.newPage();
  const viewer = await context.newPage();
  await Promise.all([preparePage(publisher, setup.pageUrl), preparePage(viewer, setup.pageUrl)]);
  const offer = await publisherOffer(publisher);
  await publisherAnswer(
    publisher,
    await postOffer(publisher, `${setup.originUrl}/whip/${setup.channel}`, offer, setup.streamKey),
  );
  await watch(viewer, `${setup.originUrl}/whep/${setup.channel}`);
  await until(async () => (await viewerState(viewer, 0)).samples.length > 0, {
    what: 'the origin viewer’s first frame',
    timeoutMs: 20_000,
  });
  return { publisher, viewer };
}

export async function runCascade(
  setup: CascadeSetup,
  originSide: { publisher: Page; viewer: Page },
  engine: 'werift' | 'mediasoup',
  options: CascadeOptions,
  say: (text: string) => void,
): Promise<CascadeRun> {
  say(`${engine} edge: starting in ${setup.namespace}`);
  const edge = await startEdgeProcess(setup.scratch, {
    namespace: setup.namespace,
    address: setup.edgeAddress,
    port: 8091,
    origin: setup.originUrl,
    engine,
  });
  const viewer = await originSide.viewer.context().newPage();
  try {
    await preparePage(viewer, setup.pageUrl);
    const started = performance.now();
    await watch(viewer, `${edge.url}/whep/${setup.channel}`);
    await until(async () => (await viewerState(viewer, 0)).samples.length > 0, {
      what: 'the edge viewer’s first frame',
      timeoutMs: 20_000,
    });
    const edgeFirstFrameMs = performance.now() - started;
    say(`${engine} edge: first frame after ${edgeFirstFrameMs.toFixed(0)} ms; warming up ${options.warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.warmMs));
    const fromEdge = (await viewerState(viewer, 0)).samples.length;
    const fromOrigin = (await viewerState(originSide.viewer, 0)).samples.length;
    say(`${engine} edge: collecting ${options.samples} frames on both viewers`);
    const edgeState = await until(
      async () => {
        const s = await viewerState(viewer, fromEdge);
        return s.samples.length >= options.samples ? s : undefined;
      },
      { what: `${options.samples} frames at the edge`, timeoutMs: options.collectTimeoutMs },
    );
    const originState = await viewerState(originSide.viewer, fromOrigin);
    const byStamp = new Map(originState.samples.map((s) => [stampOf(s), s]));
    const extraMs: number[] = [];
    for (const s of edgeState.samples) {
      const o = byStamp.get(stampOf(s));
      if (o) extraMs.push(s.latencyMs - o.latencyMs);
    }
    const skews = await Promise.all([clockOffset(originSide.publisher), clockOffset(viewer)]);
    return {
      edgeEngine: edge.engine,
      origin: originState.samples,
      edge: edgeState.samples,
      extraMs,
      originState,
      edgeState,
      edgeFirstFrameMs,
      clockSkewMs: (skews[1] ?? 0) - (skews[0] ?? 0),
    };
  } finally {
    await closePage(viewer).catch(() => {});
    await viewer.close().catch(() => {});
    await setup.scratch.stop(edge.child);
  }
}
