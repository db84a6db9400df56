/**
 * A WHEP viewer on node-datachannel (libdatachannel): ICE, DTLS and SRTP decrypt/auth run in C++ threads, and each
 * decrypted packet crosses into JavaScript only to have its sequence number counted. About half the CPU per packet
 * of a werift viewer (measured: ~20 µs against ~40 µs), so the load generator hides less of the SFU's cost.
 *
 * The offer is what a werift viewer sends, reduced to what the SFU checks: one recvonly video section in a BUNDLE
 * group, rtcp-mux, H.264 packetization-mode=1 constrained baseline (42e01f) as payload type 96, host candidates on
 * 127.0.0.1 only, complete before it is posted (no trickle). libdatachannel sends no NACKs: a packet lost on the
 * way stays lost, where a werift viewer may recover it.
 */
import { until } from '@glint/testkit';
import { PeerConnection, RtcpReceivingSession, Video } from 'node-datachannel';
import { SeqCounter } from './seq-counter.ts';
import { postWhepOffer, type WhepViewer } from './whep-viewer.ts';

const H264_PAYLOAD_TYPE = 96;
const H264_FMTP = 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f';

/** RTCP packet types (SR 200 … XR 207, and the feedback types) share the second byte's range 192–223 (RFC 5761). */
function isRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;
  return type >= 192 && type <= 223;
}

let peers = 0;

export async function connectDatachannelViewer(whepUrl: string): Promise<WhepViewer> {
  // One UDP socket per viewer, as the SFU has one per viewer (libjuice's shared-socket mode, enableIceUdpMux, hung
  // while 100 viewers connected here).
  const pc = new PeerConnection(`whep-viewer-${++peers}`, { iceServers: [], bindAddress: '127.0.0.1' });
  const counter = new SeqCounter();
  const video = new Video('0', 'RecvOnly');
  video.addH264Codec(H264_PAYLOAD_TYPE, H264_FMTP);
  // Held by close() below for the viewer's life: when only the callback held it, onMessage stopped firing after a
  // while (the early viewers of a load generator all stalled at once, the SFU still sending: the wrapper collected,
  // it seems).
  const track = pc.addTrack(video);
  // Answers the SFU's sender reports with receiver reports, as a browser does; RTP passes through to onMessage.
  track.setMediaHandler(new RtcpReceivingSession());
  track.onMessage((packet) => {
    if (packet.length >= 12 && !isRtcp(packet)) counter.push(packet.readUInt16BE(2));
  });
  try {
    pc.setLocalDescription();
    await until(() => pc.gatheringState() === 'complete', { what: 'ICE gathering', timeoutMs: 5000 });
    const offer = pc.localDescription()?.sdp;
    if (!offer) throw new Error('node-datachannel produced no offer');
    pc.setRemoteDescription(await postWhepOffer(whepUrl, offer), 'answer');
    await until(() => connected(pc), { what: 'the viewer to connect', timeoutMs: 15_000 });
    await until(() => counter.counts().received > 0, { what: 'the first packet' });
  } catch (error) {
    pc.close();
    throw error;
  }
  return {
    counter,
    close: async () => {
      track.close();
      pc.close();
    },
  };
}

function connected(pc: PeerConnection): boolean {
  const state = pc.state();
  if (state === 'failed' || state === 'closed') throw new Error(`the viewer's connection ${state}`);
  return state === 'connected';
}
