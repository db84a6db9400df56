/**
 * A Chromium WHEP viewer (video only) run inside the capped link's network namespace: playwright launches Chromium
 * through a wrapper script that enters the namespace, so the viewer reaches Glint only over the veth (and its cap).
 * The page samples its inbound video's getStats every `sampleMs` into a bounded in-page log the run reads back.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from '@glint/testkit';
import type { Browser, Page } from 'playwright-core';

export interface ViewerSample {
  /** Wall clock, ms since the epoch (same clock as the server's log lines). */
  readonly atMs: number;
  readonly framesDecoded: number;
  readonly framesDropped: number;
  readonly frameHeight: number;
  readonly freezeCount: number;
  readonly totalFreezesDurationS: number;
  readonly packetsLost: number;
  readonly bytesReceived: number;
}

/** Chromium inside `namespace`; Glint's address is excluded from the resolver rules (no lookups leave the box). */
export async function launchChromiumIn(
  namespace: string,
  dir: string,
  serverAddress: string,
  alsoReach: readonly string[] = [],
): Promise<Browser> {
  const wrapper = join(dir, 'chromium-in-netns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${namespace} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: wrapper,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP * ~NOTFOUND, ${[serverAddress, ...alsoReach].map((a) => `EXCLUDE ${a}, `).join('')}EXCLUDE 127.0.0.1, EXCLUDE localhost`,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

export interface LayerViewer {
  readonly page: Page;
  /** The WHEP session id (the Location's last part). */
  readonly sessionId: string;
  /** The samples since the last call (the page keeps at most `maxSamples`). */
  drain(): Promise<ViewerSample[]>;
  close(): Promise<void>;
}

/** Opens a page on Glint's origin and plays `channel` over WHEP; `layer` pins a layer (`?layer=`). */
export async function openViewer(
  browser: Browser,
  origin: string,
  channel: string,
  options: { layer?: string; sampleMs?: number; maxSamples?: number } = {},
): Promise<LayerViewer> {
  const page = await browser.newPage();
  // tsx names inner functions with a `__name` helper the page does not have.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto(`${origin}/whep/${encodeURIComponent(channel)}/layers`);
  const query = options.layer ? `?layer=${encodeURIComponent(options.layer)}` : '';
  const sessionId = await page.evaluate(
    async ({ url, sampleMs, maxSamples }) => {
      const w = window as unknown as { __samples: unknown[] };
      w.__samples = [];
      const pc = new RTCPeerConnection();
      pc.addTransceiver('video', { direction: 'recvonly' });
      const video = document.createElement('video');
      video.muted = true;
      document.body.append(video);
      pc.ontrack = (event) => {
        video.srcObject = new MediaStream([event.track]);
        void video.play();
      };
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve();
        });
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp' },
        body: pc.localDescription?.sdp ?? '',
      });
      if (response.status !== 201) throw new Error(`WHEP answered ${response.status}: ${await response.text()}`);
      const location = response.headers.get('Location') ?? '';
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      setInterval(async () => {
        let inbound: Record<string, number> | undefined;
        (await pc.getStats()).forEach((s: Record<string, number | string>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s as Record<string, number>;
        });
        if (!inbound) return;
        const n = (k: string) => Number(inbound?.[k] ?? 0);
        if (w.__samples.length >= maxSamples) w.__samples.shift();
        w.__samples.push({
          atMs: Date.now(),
          framesDecoded: n('framesDecoded'),
          framesDropped: n('framesDropped'),
          frameHeight: n('frameHeight'),
          freezeCount: n('freezeCount'),
          totalFreezesDurationS: n('totalFreezesDuration'),
          packetsLost: n('packetsLost'),
          bytesReceived: n('bytesReceived'),
        });
      }, sampleMs);
      return location.slice(location.lastIndexOf('/') + 1);
    },
    {
      url: `${origin}/whep/${encodeURIComponent(channel)}${query}`,
      sampleMs: options.sampleMs ?? 100,
      maxSamples: options.maxSamples ?? 3000,
    },
  );
  return {
    page,
    sessionId,
    drain: () =>
      page.evaluate(() => {
        const w = window as unknown as { __samples: ViewerSample[] };
        return w.__samples.splice(0);
      }),
    close: () => page.close(),
  };
}
