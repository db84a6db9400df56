/**
 * hls.js for archived media (a VOD, or a broadcast's growing EVENT playlist for the DVR): no low-latency mode and no
 * catch-up playback rate, since the viewer chose where to be. A DVR start `behindEdgeSec` before the end of the
 * playlist reads the media playlist once itself to find that end: hls.js loads no media playlist before
 * startLoad, and an EVENT playlist has no start offset to ask for.
 */
import type { ErrorData } from 'hls.js';
import type { HlsConstructor, HlsInstance } from '../../hls/hls-player.ts';
import { playlistDurationSec } from './playlist-duration.ts';

export interface ArchivePlayerOptions {
  /** Start this many seconds before the playlist's end (its edge when it is still growing). */
  readonly behindEdgeSec?: number;
  /** Otherwise start here (default: the beginning). */
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
  const behind = options.behindEdgeSec;
  const hls = new Hls({
    backBufferLength: 90,
    maxLiveSyncPlaybackRate: 1,
    autoStartLoad: behind === undefined,
    startPosition: Math.max(0, options.startSec ?? 0),
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    options.onManifest?.();
    if (behind === undefined) return;
    const level = hls.levels[Math.max(0, hls.firstLevel)];
    void mediaPlaylistEndSec(level?.uri).then((endSec) => hls.startLoad(Math.max(0, endSec - behind)));
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) options.onFatal(data);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return hls;
}

/** The listed length of a media playlist (0 when it cannot be read: playback then starts at the beginning). */
async function mediaPlaylistEndSec(url: string | undefined): Promise<number> {
  if (!url) return 0;
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    return response.ok ? playlistDurationSec(await response.text()) : 0;
  } catch (error) {
    console.error('the DVR playlist could not be read', error);
    return 0;
  }
}

/** The end of what `hls` has listed (a growing playlist's edge), or null before its first playlist. */
export function playlistEdge(hls: HlsInstance): { start: number; edge: number; live: boolean } | null {
  const details = hls.latestLevelDetails;
  if (!details) return null;
  return { start: details.fragmentStart, edge: details.edge, live: details.live };
}
