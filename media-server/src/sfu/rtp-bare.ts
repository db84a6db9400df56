/**
 * Serializes a received RTP packet without its header extensions, CSRCs or padding. Extension IDs are negotiated
 * per leg: the publisher's IDs mean nothing (or something else) to a viewer, and werift's sender keeps unknown
 * extensions it finds on a packet, so they must not travel. Pure: values in, bytes out.
 */
export interface BareRtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
}

export const RTP_HEADER_BYTES = 12;

export function serializeBareRtp(header: BareRtpHeader, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.byteLength);
  buf[0] = 0x80; // version 2, no padding, no extension, no CSRC
  buf[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  buf.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(header.timestamp >>> 0, 4);
  buf.writeUInt32BE(header.ssrc >>> 0, 8);
  buf.set(payload, RTP_HEADER_BYTES);
  return buf;
}
