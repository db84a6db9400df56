import { RtpError } from './errors.ts';

/** RTP header extension (RFC 3550 5.3.1): a 16-bit profile word and whole 32-bit words of data. */
export interface RtpHeaderExtension {
  readonly profile: number;
  readonly data: Uint8Array;
}

/** The fixed RTP header (RFC 3550 5.1). Version is always 2 here. */
export interface RtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc?: readonly number[];
  readonly extension?: RtpHeaderExtension;
}

export interface RtpPacket {
  readonly header: RtpHeader;
  /** Payload without padding, a subarray of the input. */
  readonly payload: Uint8Array;
  /** Padding octets removed from the end (0 when the P bit is clear). */
  readonly paddingBytes: number;
}

const FIXED_HEADER_BYTES = 12;

/** Parses one RTP packet; throws RtpError on bytes that are not a well-formed version 2 packet. */
export function parseRtpPacket(buf: Uint8Array): RtpPacket {
  if (buf.length < FIXED_HEADER_BYTES) {
    throw new RtpError('TRUNCATED_PACKET', `RTP packet of ${buf.length} bytes is shorter than the 12-byte header`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const b0 = buf[0]!;
  const version = b0 >> 6;
  if (version !== 2) throw new RtpError('BAD_VERSION', `RTP version ${version}, expected 2`);
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = buf[1]!;
  let pos = FIXED_HEADER_BYTES;
  if (buf.length < pos + 4 * csrcCount) {
    throw new RtpError('TRUNCATED_PACKET', `RTP header announces ${csrcCount} CSRCs that are cut off`);
  }
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++, pos += 4) csrc.push(view.getUint32(pos));
  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    if (buf.length < pos + 4) throw new RtpError('BAD_EXTENSION', 'RTP header extension is cut off');
    const profile = view.getUint16(pos);
    const words = view.getUint16(pos + 2);
    pos += 4;
    if (buf.length < pos + 4 * words) {
      throw new RtpError('BAD_EXTENSION', `RTP header extension of ${words} words overruns the packet`);
    }
    extension = { profile, data: buf.subarray(pos, pos + 4 * words) };
    pos += 4 * words;
  }
  let end = buf.length;
  let paddingBytes = 0;
  if (hasPadding) {
    paddingBytes = buf[buf.length - 1]!;
    if (paddingBytes === 0 || paddingBytes > buf.length - pos) {
      throw new RtpError('BAD_PADDING', `RTP padding count ${paddingBytes} is invalid for this packet`);
    }
    end -= paddingBytes;
  }
  const header: RtpHeader = {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    ...(csrc.length > 0 ? { csrc } : {}),
    ...(extension ? { extension } : {}),
  };
  return { header, payload: buf.subarray(pos, end), paddingBytes };
}

/** Serializes a header and payload into one Buffer (no padding). */
export function serializeRtpPacket(header: RtpHeader, payload: Uint8Array): Buffer {
  const csrc = header.csrc ?? [];
  if (csrc.length > 15) throw new RtpError('INVALID_ARGUMENT', `${csrc.length} CSRCs exceed the limit of 15`);
  const ext = header.extension;
  if (ext && ext.data.length % 4 !== 0) {
    throw new RtpError('BAD_EXTENSION', `header extension data of ${ext.data.length} bytes is not whole words`);
  }
  const extBytes = ext ? 4 + ext.data.length : 0;
  const headerBytes = FIXED_HEADER_BYTES + 4 * csrc.length + extBytes;
  const out = Buffer.allocUnsafe(headerBytes + payload.length);
  out[0] = 0x80 | (ext ? 0x10 : 0) | csrc.length;
  out[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  out.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(header.timestamp >>> 0, 4);
  out.writeUInt32BE(header.ssrc >>> 0, 8);
  let pos = FIXED_HEADER_BYTES;
  for (const id of csrc) {
    out.writeUInt32BE(id >>> 0, pos);
    pos += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, pos);
    out.writeUInt16BE(ext.data.length / 4, pos + 2);
    out.set(ext.data, pos + 4);
    pos += 4 + ext.data.length;
  }
  out.set(payload, pos);
  return out;
}

/** True when the bytes look like RTCP (RFC 5761 4: PT 64-95 with the marker bit), not RTP. */
export function isRtcp(buf: Uint8Array): boolean {
  const b1 = buf[1];
  return b1 !== undefined && (b1 & 0x7f) >= 64 && (b1 & 0x7f) <= 95;
}
