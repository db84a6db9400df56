/**
 * A viewer in Chromium: one page playing a URL in hls.js, Shaka Player, mpegts.js or over WHEP, reading the band
 * from every frame it presents. The page keeps frames only until Node drains them (`report()`); Node keeps the whole
 * run, with capture times unwrapped to full wall-clock ms.
 */
import type { Browser } from 'playwright-core';
import type { ViewerReport } from '../types.ts';
import { FramePicker } from './frame-picker.ts';
import { drainRecorder, installRecorder, type RecorderDrain } from './frame-recorder.ts';
import { openLatencyPage, type PlayerName } from './page-setup.ts';
import { attachHlsJs, attachMpegts, attachShaka, attachWhep } from './player-attach.ts';

export interface ViewerOptions {
  readonly player: PlayerName;
  /** Playlist (hlsjs, shaka), FLV (mpegts) or WHEP endpoint URL. */
  readonly url: string;
  /** The report's `player` name; the player's by default. */
  readonly label?: string;
  /** hls.js settings on top of `{ lowLatencyMode: true }` (stock otherwise). */
  readonly hlsConfig?: Record<string, unknown>;
}

export interface Viewer {
  /** Everything seen since the viewer opened (each call drains the page into Node's copy). */
  report(): Promise<ViewerReport>;
  /** Ms from handing the player its URL to the first presented frame; rejects if the page closes before. */
  readonly firstFrame: Promise<number>;
  /**
   * Bands read again by the next presented frame, how many of those replaced the earlier read, and raced reads left
   * out (counted in the report's `unreadable` too); see frame-picker.ts.
   */
  pairing(): { readonly repeats: number; readonly replaced: number; readonly dropped: number };
  close(): Promise<void>;
}

export async function openViewer(browser: Browser, options: ViewerOptions): Promise<Viewer> {
  const label = options.label ?? options.player;
  const { page, close: closePage } = await openLatencyPage(browser, `viewer ${label}`, options.player);
  const picker = new FramePicker();
  const freezesMs: number[] = [];
  const pageErrors: string[] = [];
  let last: RecorderDrain | undefined;
  let closed = false;
  let settleFirst: { resolve(ms: number): void; reject(error: Error): void } | undefined;
  const firstFrame = new Promise<number>((resolve, reject) => {
    settleFirst = { resolve, reject };
  });
  // Marked handled: a caller that never awaits it must not see an unhandled rejection when the viewer closes.
  firstFrame.catch(() => {});
  page.on('pageerror', (error) => {
    if (pageErrors.length < 100) pageErrors.push(`page: ${error.message}`);
  });
  try {
    await page.exposeFunction('__glintFirstFrame', (ms: number) => settleFirst?.resolve(ms));
    await page.evaluate(installRecorder, { webrtc: options.player === 'whep' });
    switch (options.player) {
      case 'hlsjs':
        await page.evaluate(attachHlsJs, { url: options.url, extra: options.hlsConfig ?? {} });
        break;
      case 'shaka':
        await page.evaluate(attachShaka, options.url);
        break;
      case 'mpegts':
        await page.evaluate(attachMpegts, options.url);
        break;
      case 'whep':
        await page.evaluate(attachWhep, options.url);
        break;
    }
  } catch (error) {
    settleFirst?.reject(error as Error);
    await closePage();
    throw error;
  }

  const drain = async (): Promise<void> => {
    if (closed) return;
    const d = await page.evaluate(drainRecorder);
    last = d;
    for (const f of d.frames) picker.push(f);
    freezesMs.push(...d.freezesMs);
  };

  return {
    firstFrame,
    pairing: () => ({ repeats: picker.repeats, replaced: picker.replaced, dropped: picker.dropped }),
    report: async () => {
      await drain();
      const errors = [...(last?.errors ?? []), ...pageErrors];
      if (last && last.overflowed > 0) errors.push(`the page dropped ${last.overflowed} frames nobody drained`);
      return {
        player: label,
        frames: [...picker.frames],
        unreadable: (last?.unreadable ?? 0) + picker.dropped,
        stalls: last?.stalls ?? 0,
        freezesMs: [...freezesMs],
        ...(last?.firstFrameMs === undefined ? {} : { firstFrameMs: last.firstFrameMs }),
        errors,
      };
    },
    close: async () => {
      if (closed) return;
      await drain().catch(() => {});
      closed = true;
      await page
        .evaluate(() => (window as unknown as { __stopPlayer?: () => unknown }).__stopPlayer?.())
        .catch(() => {});
      settleFirst?.reject(new Error(`viewer ${label} closed before its first frame`));
      await closePage();
    },
  };
}
