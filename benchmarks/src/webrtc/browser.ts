/**
 * Chromium for the latency measure: e2e's launch (closed-network and WebRTC-on-loopback flags) plus the flags that
 * keep the tab not in front running at full rate, since the publisher and the viewer are two tabs of one browser.
 */
import { createServer, type Server } from 'node:http';
import { BACKGROUND_TAB_FLAGS, launchChromium } from '@glint/e2e';
import type { Browser } from 'playwright-core';

export function launchBrowser(): Promise<Browser> {
  return launchChromium({ webrtc: true, extraArgs: BACKGROUND_TAB_FLAGS });
}

export interface PageOrigin {
  readonly url: string;
  close(): Promise<void>;
}

/** An empty page on its own loopback origin (a secure context), so WHIP/WHEP fetches are cross-origin as in life. */
export async function startPageOrigin(): Promise<PageOrigin> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>glint latency</title><body></body>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
