import { completeLocalDescription } from './ice-gathering.ts';
import { postOffer } from './post-offer.ts';
import { WebrtcSession } from './webrtc-session.ts';

export interface NegotiateOptions {
  /** WHIP's stream key (Bearer); none for WHEP. */
  readonly token?: string | undefined;
  /** Longest wait for ICE gathering before the offer is sent with the candidates it has. */
  readonly iceGatheringTimeoutMs?: number | undefined;
}

/**
 * The WHIP/WHEP exchange for a peer connection whose transceivers are set: complete offer → POST → answer. Throws a
 * SignalingError on a refusal; the connection is closed then, since nothing else will use it.
 */
export async function negotiate(
  url: string,
  pc: RTCPeerConnection,
  options: NegotiateOptions = {},
): Promise<WebrtcSession> {
  try {
    const offer = await completeLocalDescription(pc, options.iceGatheringTimeoutMs);
    const reply = await postOffer(url, offer, { token: options.token });
    await pc.setRemoteDescription({ type: 'answer', sdp: reply.answer });
    return new WebrtcSession(pc, reply.resource, options.token);
  } catch (error) {
    pc.close();
    throw error;
  }
}
