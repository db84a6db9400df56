import { describe, expect, it } from 'vitest';
import { RtpError } from './errors.ts';
import { isRtcp, parseRtpPacket, serializeRtpPacket } from './packet.ts';

function rtpError(fn: () => unknown): RtpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RtpError) return error;
    throw error;
  }
  throw new Error('expected an RtpError');
}

describe('RTP packet', () => {
  // V=2 P=0 X=0 CC=0, M=1 PT=96, seq 0x1234, ts 0xdeadbeef, ssrc 0x01020304, payload 0xaa 0xbb
  const simple = Uint8Array.of(0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 0xaa, 0xbb);

  it('parses the fixed header', () => {
    const p = parseRtpPacket(simple);
    expect(p.header).toEqual({
      marker: true,
      payloadType: 96,
      sequenceNumber: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
    });
    expect([...p.payload]).toEqual([0xaa, 0xbb]);
    expect(p.paddingBytes).toBe(0);
  });

  it('serializes to the same bytes', () => {
    const p = parseRtpPacket(simple);
    expect([...serializeRtpPacket(p.header, p.payload)]).toEqual([...simple]);
  });

  it('round-trips CSRCs and a header extension, and strips padding', () => {
    const header = {
      marker: false,
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 4294967295,
      ssrc: 0xffffffff,
      csrc: [7, 0x80000000],
      extension: { profile: 0xbede, data: Uint8Array.of(0x10, 0x55, 0, 0) },
    };
    const bytes = serializeRtpPacket(header, Uint8Array.of(9, 8, 7));
    expect(bytes[0]).toBe(0x92);
    expect(bytes.length).toBe(12 + 8 + 8 + 3);
    const parsed = parseRtpPacket(bytes);
    expect({ ...parsed.header, extension: undefined }).toEqual({ ...header, extension: undefined });
    expect(parsed.header.extension?.profile).toBe(0xbede);
    expect([...(parsed.header.extension?.data ?? [])]).toEqual([0x10, 0x55, 0, 0]);
    expect([...parsed.payload]).toEqual([9, 8, 7]);

    const padded = Buffer.concat([bytes, Buffer.from([0, 0, 3])]);
    padded[0]! |= 0x20;
    const unpadded = parseRtpPacket(padded);
    expect(unpadded.paddingBytes).toBe(3);
    expect([...unpadded.payload]).toEqual([9, 8, 7]);
  });

  it('gives typed errors on garbage', () => {
    expect(rtpError(() => parseRtpPacket(simple.subarray(0, 11))).code).toBe('TRUNCATED_PACKET');
    expect(rtpError(() => parseRtpPacket(Uint8Array.of(0x40, ...simple.subarray(1)))).code).toBe('BAD_VERSION');
    // P set, last byte 0
    expect(rtpError(() => parseRtpPacket(Uint8Array.of(0xa0, ...simple.subarray(1, 13), 0))).code).toBe('BAD_PADDING');
    // P set, padding count larger than the payload
    expect(rtpError(() => parseRtpPacket(Uint8Array.of(0xa0, ...simple.subarray(1, 13), 9))).code).toBe('BAD_PADDING');
    // X set, extension claims 2 words with none present
    const ext = Uint8Array.of(0x90, ...simple.subarray(1, 12), 0xbe, 0xde, 0, 2, 1, 2);
    expect(rtpError(() => parseRtpPacket(ext)).code).toBe('BAD_EXTENSION');
    // CC=3 with no CSRCs
    expect(rtpError(() => parseRtpPacket(Uint8Array.of(0x83, ...simple.subarray(1)))).code).toBe('TRUNCATED_PACKET');
    expect(
      rtpError(() => serializeRtpPacket({ ...parseRtpPacket(simple).header, csrc: Array(16).fill(1) }, simple)),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('tells RTCP from RTP', () => {
    expect(isRtcp(Uint8Array.of(0x80, 200, 0, 6))).toBe(true);
    expect(isRtcp(simple)).toBe(false);
  });
});
