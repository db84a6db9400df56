import { MpegTsError } from './errors.ts';

/** One PES packet's header as far as the demuxer needs it. */
export interface PesHeader {
  /** 33-bit PTS, 90 kHz, as on the wire (wraps every ~26.5 h). */
  readonly pts90k: number;
  /** The DTS, or the PTS when the PES carries none. */
  readonly dts90k: number;
  /** PES_packet_length: bytes after the length field, or 0 for "unbounded" (video). */
  readonly packetLength: number;
  /** Where the payload starts. */
  readonly headerBytes: number;
}

function timestamp(b: Uint8Array, at: number): number {
  // 33 bits do not fit a 32-bit integer: the top 3 bits are scaled with a multiplication, not a shift.
  const high = (b[at]! >> 1) & 0x07;
  const low = ((b[at + 1]! << 22) | ((b[at + 2]! >> 1) << 15) | (b[at + 3]! << 7) | (b[at + 4]! >> 1)) >>> 0;
  return high * 2 ** 30 + low;
}

/** Parses the header of a PES packet (ISO/IEC 13818-1 2.4.3.6) that starts `data`. */
export function parsePesHeader(data: Uint8Array): PesHeader {
  if (data.length < 9) throw new MpegTsError('INVALID_PES', `PES start of ${data.length} bytes is too short`);
  if (data[0] !== 0 || data[1] !== 0 || data[2] !== 1) throw new MpegTsError('INVALID_PES', 'no PES start code');
  const packetLength = (data[4]! << 8) | data[5]!;
  if ((data[6]! & 0xc0) !== 0x80) throw new MpegTsError('INVALID_PES', 'PES header marker bits are not 10');
  const flags = data[7]! >> 6;
  const headerBytes = 9 + data[8]!;
  if (headerBytes > data.length) throw new MpegTsError('INVALID_PES', 'PES header runs past its packet');
  if (flags < 2) throw new MpegTsError('MISSING_PTS', 'PES carries no PTS');
  if (9 + (flags === 3 ? 10 : 5) > headerBytes) throw new MpegTsError('INVALID_PES', 'PES timestamps do not fit');
  const pts90k = timestamp(data, 9);
  const dts90k = flags === 3 ? timestamp(data, 14) : pts90k;
  return { pts90k, dts90k, packetLength, headerBytes };
}
