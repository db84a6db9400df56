/**
 * A synthetic H.264 stream as whole RTP packets (packetization mode 1): each frame is a few FU-A fragments of one
 * slice, ~1,200-byte payloads; a keyframe is a STAP-A carrying SPS and PPS, then an IDR slice. mediasoup knows an
 * H.264 keyframe only by its SPS, werift's SFU by an SPS or IDR at the start of a packet: both see these. Pure:
 * numbers in, packets out. Nobody decodes the slices; their bytes are filler.
 */

/** SPS and PPS of an x264 constrained-baseline 1280x720 stream (level 3.1), as x264 wrote them. */
const SPS = Buffer.from('6742c01fd9005005bb011000000300100000030303c0f1832480', 'hex');
const PPS = Buffer.from('68cb83cb20', 'hex');

const NAL = { nonIdr: 1, idr: 5, stapA: 24, fuA: 28 } as const;
const RTP_HEADER_BYTES = 12;
const CLOCK_HZ = 90_000;

export interface H264Pattern {
  readonly fps: number;
  /** FU-A fragments per frame (one slice each frame). */
  readonly fragmentsPerFrame: number;
  /** A keyframe every this many frames, from frame 0. */
  readonly gopFrames: number;
  /** RTP payload bytes of each fragment. */
  readonly payloadBytes: number;
  readonly payloadType: number;
  readonly ssrc: number;
}

/** RTP packets per second the pattern sends: its fragments, plus one STAP-A per keyframe. */
export function packetsPerSecond(pattern: H264Pattern): number {
  return pattern.fps * pattern.fragmentsPerFrame + pattern.fps / pattern.gopFrames;
}

/** The packets of frame `frame`, numbered from `firstSeq`; the last carries the marker bit. */
export function framePackets(pattern: H264Pattern, frame: number, firstSeq: number): Buffer[] {
  const keyframe = frame % pattern.gopFrames === 0;
  const sliceType = keyframe ? NAL.idr : NAL.nonIdr;
  // NRI 3 for parameter sets and IDR slices, 2 for reference P slices (as x264 marks them).
  const nri = keyframe ? 3 : 2;
  const payloads: Buffer[] = keyframe ? [stapA(SPS, PPS)] : [];
  for (let i = 0; i < pattern.fragmentsPerFrame; i++) {
    const payload = Buffer.alloc(pattern.payloadBytes, (frame + i) & 0xff);
    payload[0] = (nri << 5) | NAL.fuA;
    const start = i === 0 ? 0x80 : 0;
    const end = i === pattern.fragmentsPerFrame - 1 ? 0x40 : 0;
    payload[1] = start | end | sliceType;
    payloads.push(payload);
  }
  const timestamp = Math.round((frame * CLOCK_HZ) / pattern.fps) >>> 0;
  return payloads.map((payload, i) =>
    rtpPacket(pattern, (firstSeq + i) & 0xffff, timestamp, i === payloads.length - 1, payload),
  );
}

function stapA(...nalUnits: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from([(3 << 5) | NAL.stapA])];
  for (const nal of nalUnits) {
    const size = Buffer.alloc(2);
    size.writeUInt16BE(nal.length);
    parts.push(size, nal);
  }
  return Buffer.concat(parts);
}

function rtpPacket(pattern: H264Pattern, seq: number, timestamp: number, marker: boolean, payload: Buffer): Buffer {
  const packet = Buffer.alloc(RTP_HEADER_BYTES + payload.length);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | (pattern.payloadType & 0x7f);
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(timestamp, 4);
  packet.writeUInt32BE(pattern.ssrc >>> 0, 8);
  payload.copy(packet, RTP_HEADER_BYTES);
  return packet;
}
