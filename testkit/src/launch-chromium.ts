/** Debian's Chromium driven by playwright-core, with the flags this closed network needs. Never downloads a browser. */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
  '--autoplay-policy=no-user-gesture-required',
];

const WEBRTC_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** Keep timers and rendering of tabs not in front at full rate (two tabs of one browser measuring each other). */
export const BACKGROUND_TAB_FLAGS = [
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export async function launchChromium(
  options: { webrtc?: boolean; extraArgs?: readonly string[] } = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is needed for this test: apt-get install -y chromium (expected at ${CHROMIUM})`);
  }
  // Loaded on first use: playwright-core is large, and every test importing the kit would otherwise carry it in its
  // heap (a bigger heap made a GC pause show in ingest-limits' event-loop probe).
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(options.webrtc ? WEBRTC_FLAGS : []), ...(options.extraArgs ?? [])],
  });
}
