import type HlsType from 'hls.js';
import type { ErrorData } from 'hls.js';

/** hls.js' class, passed in by the page (which imports the module when it first needs it). */
export type HlsConstructor = typeof HlsType;
export type HlsInstance = HlsType;

/** Low-latency mode: blocking playlist reloads and parts; catch up at up to 1.5x when behind the live edge. */
export const LOW_LATENCY_CONFIG = { lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 };

export interface HlsPlayerEvents {
  /** The multivariant playlist is parsed: playback can start. */
  readonly onManifest: () => void;
  /** A fatal error: this instance is done and should be destroyed. */
  readonly onFatal: (data: ErrorData) => void;
}

/** Header the server counts LL-HLS viewers by (a random id per player; no cookie, no address kept). */
export const VIEWER_HEADER = 'X-Glint-Viewer';

/** One id per page load: a player restarted (a retry, a mode switch) is still the same viewer. */
const VIEWER_ID = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join(
  '',
);

/**
 * Plays an LL-HLS playlist into `video` with hls.js in low-latency mode. Playlist requests carry a viewer id so the
 * server counts this player once, however many players share an address (a header, so an HTTP cache in front keys
 * playlists by URL alone).
 */
export function startHls(
  Hls: HlsConstructor,
  video: HTMLVideoElement,
  src: string,
  events: HlsPlayerEvents,
): HlsInstance {
  const hls = new Hls({
    ...LOW_LATENCY_CONFIG,
    xhrSetup: (xhr: XMLHttpRequest, url: string) => {
      if (!new URL(url, location.href).pathname.endsWith('.m3u8')) return;
      // hls.js calls this before open(); a header can only be set on an opened request (hls.js then skips its open).
      xhr.open('GET', url, true);
      xhr.setRequestHeader(VIEWER_HEADER, VIEWER_ID);
    },
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => events.onManifest());
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) events.onFatal(data);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return hls;
}
