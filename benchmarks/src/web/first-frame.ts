/**
 * Opening a page and timing its first video frame, in a fresh browser context (nothing cached: a first visit).
 * The clock is the page's own: navigation start (performance.timeOrigin) to the presentation time of the first
 * frame any <video> on the page shows (requestVideoFrameCallback), so the figure covers everything a viewer waits
 * for: HTML, scripts, API calls, playlist or WHEP negotiation, the first part or keyframe, decode and display.
 */
import type { Browser } from 'playwright-core';

export interface PageTiming {
  /** Navigation start → first frame presented, ms. */
  readonly firstFrameMs: number;
  /** Navigation start → DOMContentLoaded, ms (HTML and blocking scripts). */
  readonly domReadyMs: number;
  /** JavaScript the page loaded: bytes on the wire and decoded. */
  readonly scriptBytes: number;
  readonly scriptFiles: number;
  /** The scripts' URLs (to weigh them compressed). */
  readonly scriptUrls: readonly string[];
}

// Runs in the page before its own scripts: watches every <video> that appears and keeps the first frame's time.
const HOOK = `(() => {
  window.__firstFrameMs = null;
  const seen = new WeakSet();
  const watch = () => {
    for (const v of document.querySelectorAll('video')) {
      if (seen.has(v)) continue;
      seen.add(v);
      v.requestVideoFrameCallback((_now, meta) => {
        if (window.__firstFrameMs === null) window.__firstFrameMs = meta.presentationTime;
      });
    }
  };
  new MutationObserver(watch).observe(document, { childList: true, subtree: true });
})();`;

export async function timeFirstFrame(browser: Browser, url: string, timeoutMs = 20_000): Promise<PageTiming> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({ content: HOOK });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => (window as unknown as { __firstFrameMs: number | null }).__firstFrameMs !== null,
      null,
      {
        timeout: timeoutMs,
        polling: 50,
      },
    );
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const scripts = performance
        .getEntriesByType('resource')
        .filter((e) => (e as PerformanceResourceTiming).initiatorType === 'script' || e.name.endsWith('.js'));
      return {
        firstFrameMs: (window as unknown as { __firstFrameMs: number }).__firstFrameMs,
        domReadyMs: nav?.domContentLoadedEventEnd ?? Number.NaN,
        scriptBytes: scripts.reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
        scriptFiles: scripts.length,
        scriptUrls: scripts.map((e) => e.name),
      };
    });
  } finally {
    await context.close();
  }
}

/** The scripts' total size gzip-compressed (level 6, what a web server's compression would send). */
export async function gzippedBytes(urls: readonly string[]): Promise<number> {
  const { gzipSync } = await import('node:zlib');
  let total = 0;
  for (const url of urls) total += gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).byteLength;
  return total;
}
