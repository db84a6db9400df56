/**
 * What every latency page starts from: a blank loopback origin of its own (so the players' fetches of the servers'
 * 127.0.0.1 URLs are cross-origin, as on a real site), the band kit as `window.__band`, and the player's script
 * loaded from the installed package's dist file.
 */
import { createRequire } from 'node:module';
import { webrtcClientScript } from '@glint/player/build';
import { BACKGROUND_TAB_FLAGS, type BlankOrigin, launchChromium, startBlankOrigin } from '@glint/testkit';
import type { Browser, Page } from 'playwright-core';
import { bandKit } from '../band.ts';

export type PlayerName = 'hlsjs' | 'shaka' | 'mpegts' | 'whep';

const require = createRequire(import.meta.url);

/** The dist file each MSE player's users load with a script tag. hls.js is the player package's own pinned copy. */
export function playerScriptPath(player: Exclude<PlayerName, 'whep'>): string {
  switch (player) {
    case 'hlsjs':
      return createRequire(require.resolve('@glint/player')).resolve('hls.js/dist/hls.min.js');
    case 'shaka':
      return require.resolve('shaka-player/dist/shaka-player.compiled.js');
    case 'mpegts':
      return require.resolve('mpegts.js/dist/mpegts.js');
  }
}

/**
 * Chromium for latency pages: WebRTC on loopback with fake devices, and pages not in front kept at full rate (the
 * broadcaster and its viewers are pages of one browser).
 */
export function launchLatencyBrowser(): Promise<Browser> {
  return launchChromium({ webrtc: true, extraArgs: BACKGROUND_TAB_FLAGS });
}

export interface LatencyPage {
  readonly page: Page;
  /** Closes the page and its origin. */
  close(): Promise<void>;
}

/** A new page (in a context of its own) on a new blank origin, with the band kit and, if named, a player's script. */
export async function openLatencyPage(
  browser: Browser,
  title: string,
  script?: PlayerName | 'glint-webrtc',
): Promise<LatencyPage> {
  const origin: BlankOrigin = await startBlankOrigin(title);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // esbuild (tsx, vitest) wraps named functions in `__name(...)`; the page gets a stand-in so sent source runs.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(origin.url);
    await page.evaluate(`window.__band = (${bandKit.toString()})();`);
    if (script === 'whep' || script === 'glint-webrtc')
      await page.addScriptTag({ content: await webrtcClientScript() });
    else if (script) await page.addScriptTag({ path: playerScriptPath(script) });
    return {
      page,
      close: async () => {
        await context.close().catch(() => {});
        await origin.close();
      },
    };
  } catch (error) {
    await context.close().catch(() => {});
    await origin.close();
    throw error;
  }
}
