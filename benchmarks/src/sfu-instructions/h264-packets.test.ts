import { describe, expect, it } from 'vitest';
import { framePackets, type H264Pattern, packetsPerSecond } from './h264-packets.ts';

const PATTERN: H264Pattern = {
  fps: 10,
  fragmentsPerFrame: 3,
  gopFrames: 10,
  payloadBytes: 1200,
  payloadType: 96,
  ssrc: 0x01020304,
};

describe('framePackets', () => {
  it('opens a keyframe with a STAP-A of SPS and PPS, then IDR fragments', () => {
    const packets = framePackets(PATTERN, 0, 65_535);
    expect(packets).toHaveLength(4);
    const [stap, first, , last] = packets;
    // STAP-A (24), its first NAL unit an SPS (7) after the 2-byte size, then a PPS (8).
    expect(stap![12]! & 0x1f).toBe(24);
    expect(stap![15]! & 0x1f).toBe(7);
    expect(stap![15 + stap!.readUInt16BE(13) + 2]! & 0x1f).toBe(8);
    // FU-A (28): start bit and IDR (5) on the first fragment, end bit on the last.
    expect([first![12]! & 0x1f, first![13]]).toEqual([28, 0x80 | 5]);
    expect(last![13]).toBe(0x40 | 5);
    expect(packets.map((p) => p.readUInt16BE(2))).toEqual([65_535, 0, 1, 2]);
    expect(packets.map((p) => p[1]! >> 7)).toEqual([0, 0, 0, 1]);
    expect(packets.map((p) => p.readUInt32BE(8))).toEqual(Array(4).fill(0x01020304));
  });

  it('sends a P frame as non-IDR fragments of the payload size, one timestamp per frame', () => {
    const packets = framePackets(PATTERN, 3, 100);
    expect(packets).toHaveLength(3);
    expect(packets.map((p) => p[13]! & 0x1f)).toEqual([1, 1, 1]);
    expect(packets.map((p) => p.length)).toEqual([1212, 1212, 1212]);
    expect(new Set(packets.map((p) => p.readUInt32BE(4)))).toEqual(new Set([27_000]));
    expect(packetsPerSecond(PATTERN)).toBe(31);
  });
});
