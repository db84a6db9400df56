import { describe, expect, it } from 'vitest';
import { GopCache } from './gop-cache.ts';
import { parseRtpPacket, serializeRtpPacket } from './packet.ts';

let seq = 0;
const packet = (timestamp: number, payload: number[], marker = true) =>
  serializeRtpPacket({ marker, payloadType: 102, sequenceNumber: seq++, timestamp, ssrc: 9 }, Uint8Array.from(payload));
const IDR = [0x65, 0x88];
const P = [0x41, 0x9a];
const headers = (packets: readonly Buffer[]) => packets.map((p) => parseRtpPacket(p).header);

describe('GopCache', () => {
  it('holds nothing before a keyframe, then the GOP from its first packet; a new keyframe starts over', () => {
    const cache = new GopCache();
    cache.push(packet(0, P));
    expect(cache.size).toBe(0);
    cache.push(packet(3000, [0x7c, 0x85, 0x88], false)); // FU-A start of an IDR
    cache.push(packet(3000, [0x7c, 0x45, 0x88])); // its end
    cache.push(packet(6000, P));
    expect(cache.size).toBe(3);
    cache.push(packet(9000, IDR));
    expect(cache.size).toBe(1);
  });

  it('bursts the GOP in order with each frame one tick before the next, ending at the latest frame', () => {
    const cache = new GopCache();
    for (const [ts, payload] of [
      [90_000, IDR],
      [93_000, P],
      [96_000, P],
      [99_000, P],
    ] as const)
      cache.push(packet(ts, [...payload]));
    const burst = headers(cache.burst());
    expect(burst.map((h) => h.timestamp)).toEqual([98_997, 98_998, 98_999, 99_000]);
    expect(burst.map((h) => h.sequenceNumber)).toEqual(
      [...burst.keys()].map((i) => (burst[0]?.sequenceNumber ?? 0) + i),
    );
    // The cache keeps its own copies: the burst and the caller may rewrite theirs.
    expect(headers(cache.burst()).map((h) => h.timestamp)).toEqual([98_997, 98_998, 98_999, 99_000]);
  });

  it('drops a GOP that outgrows its bounds and waits for the next keyframe', () => {
    const cache = new GopCache({ maxBytes: 1_000_000, maxPackets: 3 });
    cache.push(packet(0, IDR));
    cache.push(packet(3000, P));
    cache.push(packet(6000, P));
    cache.push(packet(9000, P));
    expect(cache.size).toBe(0);
    cache.push(packet(12_000, P));
    expect(cache.size).toBe(0);
    cache.push(packet(15_000, IDR));
    expect(cache.size).toBe(1);
  });

  it('ignores bytes that are not RTP', () => {
    const cache = new GopCache();
    cache.push(Uint8Array.from([1, 2, 3]));
    expect(cache.size).toBe(0);
    expect(cache.burst()).toEqual([]);
  });
});
