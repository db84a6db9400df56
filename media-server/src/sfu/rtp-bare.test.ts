import { describe, expect, it } from 'vitest';
import { RtpPacket } from 'werift';
import { serializeBareRtp } from './rtp-bare.ts';

describe('serializeBareRtp', () => {
  it('writes a 12-byte RTP header and the payload, with no extension, CSRC or padding', () => {
    const payload = Buffer.from([0x65, 1, 2, 3]);
    const bytes = serializeBareRtp(
      { marker: true, payloadType: 102, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef },
      payload,
    );
    expect(bytes.toString('hex')).toBe('80e6fffffffffff0deadbeef65010203');
    // werift's own parser reads it back.
    const parsed = RtpPacket.deSerialize(bytes);
    expect(parsed.header).toMatchObject({ marker: true, payloadType: 102, sequenceNumber: 65535, ssrc: 0xdeadbeef });
    expect(parsed.header.extensions).toEqual([]);
    expect(Buffer.from(parsed.payload).equals(payload)).toBe(true);
  });
});
