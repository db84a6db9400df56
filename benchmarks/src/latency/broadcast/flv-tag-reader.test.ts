import { describe, expect, it } from 'vitest';
import { avcPacketOf, FlvTagReader } from './flv-tag-reader.ts';

function tag(type: number, timestampMs: number, body: number[]): number[] {
  const size = body.length;
  const ts = [(timestampMs >>> 16) & 0xff, (timestampMs >>> 8) & 0xff, timestampMs & 0xff, timestampMs >>> 24];
  const prev = size + 11;
  return [type, size >>> 16, (size >>> 8) & 0xff, size & 0xff, ...ts, 0, 0, 0, ...body, 0, 0, prev >>> 8, prev & 0xff];
}

const header = [0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0];

describe('FlvTagReader', () => {
  it('reads tags from any slicing of the stream, 32-bit timestamps included', () => {
    const frame = [0x17, 1, 0xff, 0xff, 0xdf, 0xaa, 0xbb]; // keyframe, AVC NALU, composition −33 ms
    const bytes = Uint8Array.from([...header, ...tag(18, 0, [2, 0, 0]), ...tag(9, 0x01000021, frame)]);
    for (const slice of [1, 5, 13, bytes.length]) {
      const reader = new FlvTagReader();
      const tags = [];
      for (let at = 0; at < bytes.length; at += slice) tags.push(...reader.push(bytes.slice(at, at + slice)));
      expect(tags.map((t) => [t.type, t.timestampMs, t.body.length])).toEqual([
        [18, 0, 3],
        [9, 0x01000021, 7],
      ]);
    }
    const reader = new FlvTagReader();
    const body = reader.push(bytes).at(-1)!.body;
    expect(avcPacketOf(body)).toEqual({ packetType: 1, keyframe: true, compositionMs: -33 });
  });

  it('refuses a stream that is not FLV', () => {
    expect(() => new FlvTagReader().push(new TextEncoder().encode('not an flv'))).toThrow(/signature/);
  });

  it('leaves audio and other codecs alone', () => {
    expect(avcPacketOf(Uint8Array.of(0xaf, 1, 0, 0, 0))).toBeUndefined();
  });
});
