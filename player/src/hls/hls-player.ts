import type HlsType from 'hls.js';
import type { ErrorData } from 'hls.js';

/** hls.js as the page loads it: the UMD build from /vendor/hls.min.js, which sets `window.Hls`. */
export type HlsConstructor = typeof HlsType;
export type HlsInstance = HlsType;

export function globalHls(): HlsConstructor | undefined {
  return (window as unknown as { Hls?: HlsConstructor }).Hls;
}

/** Low-latency mode: blocking playlist reloads and parts; catch up at up to 1.5x when behind the live edge. */
export const LOW_LATENCY_CONFIG = { lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 };

export interface HlsPlayerEvents {
  /** The multivariant playlist is parsed: playback can start. */
  readonly onManifest: () => void;
  /** A fatal error: this instance is done and should be destroyed. */
  readonly onFatal: (data: ErrorData) => void;
}

/** Plays an LL-HLS playlist into `video` with hls.js in low-latency mode. */
export function startHls(
  Hls: HlsConstructor,
  video: HTMLVideoElement,
  src: string,
  events: HlsPlayerEvents,
): HlsInstance {
  const hls = new Hls(LOW_LATENCY_CONFIG);
  hls.on(Hls.Events.MANIFEST_PARSED, () => events.onManifest());
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) events.onFatal(data);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return hls;
}
