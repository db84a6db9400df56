import { RtpNalType } from './h264-packetizer.ts';

const IDR = 5;
const SPS = 7;

/** An RTP payload (RFC 6184) that opens a keyframe: an IDR or SPS, alone, first in a STAP-A, or an FU-A start. */
export function startsKeyframe(payload: Uint8Array): boolean {
  const type = (payload[0] ?? 0) & 0x1f;
  if (type === IDR || type === SPS) return true;
  // STAP-A: the first aggregated NAL unit's header follows its 2-byte size.
  if (type === RtpNalType.STAP_A) return [IDR, SPS].includes((payload[3] ?? 0) & 0x1f);
  // FU-A: the FU header's start bit and the fragmented NAL unit's type.
  if (type === RtpNalType.FU_A) return ((payload[1] ?? 0) & 0x80) !== 0 && ((payload[1] ?? 0) & 0x1f) === IDR;
  return false;
}
