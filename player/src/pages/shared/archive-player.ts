/**
 * hls.js for archived media (a VOD, or a broadcast's growing EVENT playlist for the DVR): no low-latency mode and no
 * catch-up playback rate, since the viewer chose where to be. `behindEdgeSec` starts that far behind the end of
 * the playlist (the DVR's rewind); without it an EVENT playlist starts at `startSec` (default: the beginning).
 */
import type { ErrorData } from 'hls.js';
import type { HlsConstructor, HlsInstance } from '../../hls/hls-player.ts';

export interface ArchivePlayerOptions {
  /** Start this many seconds before the playlist's end (its edge when it is still growing). */
  readonly behindEdgeSec?: number;
  readonly startSec?: number;
  readonly onManifest?: () => void;
  readonly onFatal: (data: ErrorData) => void;
}

export function startArchiveHls(
  Hls: HlsConstructor,
  video: HTMLVideoElement,
  src: string,
  options: ArchivePlayerOptions,
): HlsInstance {
  // Loading waits for the first media playlist: only then is its end (the position to start from) known.
  const hls = new Hls({ autoStartLoad: false, backBufferLength: 90, maxLiveSyncPlaybackRate: 1 });
  let started = false;
  hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
    if (started) return;
    started = true;
    const { edge, fragmentStart } = data.details;
    const from =
      options.behindEdgeSec !== undefined
        ? Math.max(fragmentStart, edge - options.behindEdgeSec)
        : Math.max(fragmentStart, options.startSec ?? 0);
    hls.startLoad(from);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => options.onManifest?.());
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) options.onFatal(data);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return hls;
}

/** The end of what `hls` has listed (a growing playlist's edge), or null before its first playlist. */
export function playlistEdge(hls: HlsInstance): { start: number; edge: number; live: boolean } | null {
  const details = hls.latestLevelDetails;
  if (!details) return null;
  return { start: details.fragmentStart, edge: details.edge, live: details.live };
}
