/**
 * What a watch page opened in the browser can begin while React is still drawing it (the first render costs a few
 * hundred ms of main thread; network waits can overlap it): hls.js' chunk downloading for LL-HLS, or the whole WHEP
 * negotiation for WebRTC (ICE gathering, offer, answer, DTLS), which the player adopts when it mounts. An attempt
 * nobody adopts (the page turned out to be something else: no such channel, the API down) is stopped after a while.
 */
import { LiveWhep } from './live-whep.ts';
import { loadHls } from './load-hls.ts';
import { modeFromUrl } from './play-mode.ts';

const WATCH_PATH = /^\/watch\/([^/]+)\/?$/;
const ADOPT_WITHIN_MS = 10_000;

let early: { channel: string; whep: LiveWhep; timer: ReturnType<typeof setTimeout> } | null = null;

/** Begins for the page the browser is on, if it is a watch page; otherwise does nothing. */
export function startEarly(): void {
  const match = WATCH_PATH.exec(location.pathname);
  if (!match?.[1]) return;
  let channel: string;
  try {
    channel = decodeURIComponent(match[1]);
  } catch {
    return;
  }
  if (modeFromUrl() === 'llhls') {
    // A failed download is reported (and tried again) by the player that needs it.
    loadHls().catch(() => {});
    return;
  }
  const whep = new LiveWhep(`/whep/${encodeURIComponent(channel)}`);
  const timer = setTimeout(() => {
    if (early?.whep !== whep) return;
    early = null;
    whep.stop();
  }, ADOPT_WITHIN_MS);
  early = { channel, whep, timer };
}

/** The WHEP attempt begun early for `channel`, once (null when there is none). */
export function takeEarlyWhep(channel: string): LiveWhep | null {
  if (early?.channel !== channel) return null;
  const { whep, timer } = early;
  early = null;
  clearTimeout(timer);
  return whep;
}
