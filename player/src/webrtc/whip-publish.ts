import { type NegotiateOptions, negotiate } from './negotiate.ts';
import type { WebrtcSession } from './webrtc-session.ts';

export interface WhipPublishOptions extends NegotiateOptions {
  /** The stream key, sent as Bearer. */
  readonly token: string;
  /** Called with the connection before the offer is made (codec preferences, encoder limits). */
  readonly beforeOffer?: ((pc: RTCPeerConnection) => void) | undefined;
}

/** Publishes every track of `stream` over WHIP: one send-only transceiver per track, as a web studio does. */
export function whipPublish(url: string, stream: MediaStream, options: WhipPublishOptions): Promise<WebrtcSession> {
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  options.beforeOffer?.(pc);
  return negotiate(url, pc, options);
}
