import { type NegotiateOptions, negotiate } from './negotiate.ts';
import type { WebrtcSession } from './webrtc-session.ts';

export interface WhepPlayOptions extends NegotiateOptions {
  /** Receive audio as well as video; default true. */
  readonly audio?: boolean | undefined;
  /** Each remote track, as it arrives (before the exchange returns). */
  readonly onTrack?: ((event: RTCTrackEvent) => void) | undefined;
  /** Called with the connection before the offer is made (state listeners, the session's bookkeeping). */
  readonly beforeOffer?: ((pc: RTCPeerConnection) => void) | undefined;
}

/** Plays a channel over WHEP: receive-only video (and audio), offer sent once ICE gathering is complete. */
export function whepPlay(url: string, options: WhepPlayOptions = {}): Promise<WebrtcSession> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  if (options.audio !== false) pc.addTransceiver('audio', { direction: 'recvonly' });
  const onTrack = options.onTrack;
  if (onTrack) pc.addEventListener('track', onTrack);
  options.beforeOffer?.(pc);
  return negotiate(url, pc, options);
}
