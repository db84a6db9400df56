/**
 * hls.js, loaded when a player first needs it (LL-HLS, or a DVR rewind): its own chunk of ~400 kB that pages without
 * video, and a WebRTC viewer who never rewinds, never download.
 */
import type { HlsConstructor } from '../../../hls/hls-player.ts';

let loading: Promise<HlsConstructor> | null = null;

export function loadHls(): Promise<HlsConstructor> {
  if (!loading) {
    const attempt = import('hls.js').then((module) => module.default);
    loading = attempt;
    // A failed download (a network blip) is tried again by the next caller instead of failing for good.
    attempt.catch(() => {
      if (loading === attempt) loading = null;
    });
  }
  return loading;
}
