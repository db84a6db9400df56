/** The watch page's delivery mode in its address: `?mode=webrtc` opens on WebRTC, anything else on LL-HLS. */
import type { PlayMode } from './player-state.ts';

export function modeFromUrl(): PlayMode {
  return new URLSearchParams(location.search).get('mode') === 'webrtc' ? 'webrtc' : 'llhls';
}

/** Keeps the address in step with the mode, so a reload or a shared link opens the same way. */
export function modeToUrl(mode: PlayMode): void {
  const url = new URL(location.href);
  if (mode === 'webrtc') url.searchParams.set('mode', 'webrtc');
  else url.searchParams.delete('mode');
  history.replaceState(history.state, '', url);
}
