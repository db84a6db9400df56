import type { RTCPeerConnection } from 'werift';
import { NegotiationError } from './errors.ts';

/** Applies an offer and returns the complete answer (all host candidates in it: ICE-lite gathers at once). */
export async function answerOffer(pc: RTCPeerConnection, offerSdp: string): Promise<string> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NegotiationError(`the offer could not be answered (${reason}); send a standard WebRTC offer`, {
      cause: error,
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new NegotiationError('no answer was produced for the offer');
  return sdp;
}
