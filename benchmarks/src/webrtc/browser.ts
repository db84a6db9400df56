/**
 * Chromium for the latency measure: testkit's launch (closed-network and WebRTC-on-loopback flags) plus the flags that
 * keep the tab not in front running at full rate, since the publisher and the viewer are two tabs of one browser.
 */
import { BACKGROUND_TAB_FLAGS, launchChromium } from '@glint/testkit';
import type { Browser } from 'playwright-core';

export function launchBrowser(): Promise<Browser> {
  return launchChromium({ webrtc: true, extraArgs: BACKGROUND_TAB_FLAGS });
}

// The pages live on a blank loopback origin of their own (a secure context), so WHIP/WHEP fetches are cross-origin.
export { type BlankOrigin as PageOrigin, startBlankOrigin as startPageOrigin } from '@glint/testkit';
