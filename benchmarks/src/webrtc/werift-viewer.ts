/**
 * A WHEP viewer on werift: ICE, DTLS, SRTP decrypt/auth, NACK and RTCP in JavaScript, as a real client. It costs
 * about as much CPU per packet as werift's SFU.
 */
import { until } from '@glint/testkit';
import { clientPeer, completeOffer } from '@glint/testkit/media-server';
import { SeqCounter } from './seq-counter.ts';
import { postWhepOffer, type WhepViewer } from './whep-viewer.ts';

export async function connectWeriftViewer(whepUrl: string, stunUrl: string): Promise<WhepViewer> {
  const pc = clientPeer({ stunUrl, video: 'h264' });
  const counter = new SeqCounter();
  try {
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => counter.push(packet.header.sequenceNumber));
    });
    const { sdp } = await completeOffer(pc, { video: true }, 'recvonly');
    await pc.setRemoteDescription({ type: 'answer', sdp: await postWhepOffer(whepUrl, sdp) });
    await until(() => pc.connectionState === 'connected', { what: 'the viewer to connect', timeoutMs: 15_000 });
    await until(() => counter.counts().received > 0, { what: 'the first packet' });
  } catch (error) {
    await pc.close().catch(() => {});
    throw error;
  }
  return { counter, close: () => pc.close().catch(() => {}) };
}
