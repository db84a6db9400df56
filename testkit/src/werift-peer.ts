/** werift as a test publisher or viewer on loopback, against our own STUN responder. */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  RtpHeader,
  RtpPacket,
  useNACK,
  usePLI,
  useSdesMid,
  useVP8,
} from 'werift';

export interface ClientPeerOptions {
  readonly stunUrl: string;
  readonly video?: 'h264' | 'vp8' | 'none';
  readonly audio?: boolean;
  /** Drops this share of incoming packets (werift's debug knob, whose number is the share *kept*). */
  readonly inboundLossPercent?: number;
}

export function clientPeer(options: ClientPeerOptions): RTCPeerConnection {
  const video =
    options.video === 'vp8'
      ? [useVP8()]
      : [
          new RTCRtpCodecParameters({
            mimeType: 'video/H264',
            clockRate: 90000,
            rtcpFeedback: [useNACK(), usePLI()],
            parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
          }),
        ];
  return new RTCPeerConnection({
    iceServers: [{ urls: options.stunUrl }],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: {
      video,
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
    headerExtensions: { video: [useSdesMid()], audio: [useSdesMid()] },
    ...(options.inboundLossPercent ? { debug: { inboundPacketLoss: 100 - options.inboundLossPercent } } : {}),
  });
}

/** A complete (non-trickle) offer: werift gathers before setLocalDescription resolves. */
export async function completeOffer(
  pc: RTCPeerConnection,
  tracks: { video?: boolean; audio?: boolean },
  direction: 'sendonly' | 'recvonly',
): Promise<{ sdp: string; transceivers: RTCRtpTransceiver[] }> {
  const transceivers: RTCRtpTransceiver[] = [];
  if (tracks.video !== false) transceivers.push(pc.addTransceiver('video', { direction }));
  if (tracks.audio) transceivers.push(pc.addTransceiver('audio', { direction }));
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('werift produced no offer');
  return { sdp, transceivers };
}

/** A fake H.264 packet stream: one single-NAL packet per frame, an IDR every `gop` frames. */
export function fakeH264Packet(frame: number, gop = 30): Buffer {
  const idr = frame % gop === 0;
  const payload = Buffer.alloc(200, frame & 0xff);
  payload[0] = idr ? 0x65 : 0x41;
  const header = new RtpHeader({
    payloadType: 96,
    sequenceNumber: frame & 0xffff,
    timestamp: (frame * 3000) >>> 0,
    ssrc: 0x1234,
    marker: true,
  });
  return new RtpPacket(header, payload).serialize();
}
