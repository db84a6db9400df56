/**
 * The proof that bench:latency's harness works end to end (the measurement itself is the benchmark command): a few
 * seconds of each kind of path, with the bands read back in Chromium and by ffmpeg, and every stage a path can stamp
 * filled for most frames.
 */
import { BACKGROUND_TAB_FLAGS, launchChromium } from '@glint/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNetwork } from './network.ts';
import { type HlsPlayer, type PathName, runPath } from './paths.ts';
import type { PathResult } from './report.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ webrtc: true, extraArgs: BACKGROUND_TAB_FLAGS });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

async function quick(path: PathName, players?: readonly HlsPlayer[]): Promise<PathResult> {
  const net = openNetwork('clean');
  try {
    return await runPath(path, {
      browser,
      net,
      seconds: 4,
      warmupSec: 3,
      partMs: 200,
      peers: false,
      ...(players ? { players } : {}),
      say: () => {},
    });
  } finally {
    await net.close();
  }
}

function stampsOf(result: PathResult, label: string): readonly string[] {
  const viewer = result.viewers.find((v) => v.label === label);
  expect(viewer, `${label} in ${result.viewers.map((v) => v.label).join(', ')}`).toBeDefined();
  expect(viewer?.frames).toBeGreaterThan(30);
  expect(viewer?.breakdown?.joined ?? 0).toBeGreaterThan(0.5 * (viewer?.frames ?? 0));
  // Glass to glass is positive and below what a working path shows on a busy machine.
  expect(viewer?.total.median).toBeGreaterThan(0);
  expect(viewer?.total.median).toBeLessThan(8000);
  return viewer?.breakdown?.stamps ?? [];
}

describe('bench:latency harness', () => {
  it('RTMP → LL-HLS: hls.js and ffmpeg read the band; capture, encode, ingest, package, deliver and display are stamped', async () => {
    const result = await quick('rtmp-llhls', ['hlsjs', 'ffmpeg']);
    expect(stampsOf(result, 'Glint · hls.js')).toEqual([
      'captured',
      'encoded',
      'ingested',
      'packaged',
      'delivered',
      'received',
      'displayed',
    ]);
    expect(stampsOf(result, 'Glint · ffmpeg')).toEqual([
      'captured',
      'encoded',
      'ingested',
      'packaged',
      'delivered',
      'displayed',
    ]);
  }, 90_000);

  it('WHIP → WebRTC: the WHEP viewer reads the band; forwarding, receipt, decode and display are stamped', async () => {
    const result = await quick('whip-webrtc');
    expect(stampsOf(result, 'Glint · WHEP')).toEqual(['captured', 'packaged', 'received', 'decoded', 'displayed']);
  }, 90_000);
});
