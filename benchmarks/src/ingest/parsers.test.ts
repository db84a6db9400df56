import { describe, expect, it } from 'vitest';
import { nextPart } from './blocking-client.ts';
import { readFlv } from './flv.ts';
import { readTrackRuns, sampleSizes } from './fmp4.ts';

function box(type: string, ...body: Uint8Array[]): Uint8Array {
  const size = 8 + body.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(new TextEncoder().encode(type), 4);
  let at = 8;
  for (const b of body) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => {
    new DataView(out.buffer).setUint32(i * 4, v);
  });
  return out;
}

describe('readTrackRuns', () => {
  it('reads track id, tfdt and per-sample sizes from a moof', () => {
    const traf = box(
      'traf',
      box('tfhd', u32(0x020000, 1)),
      box('tfdt', u32(0, 9000)),
      // data-offset and per-sample duration + size present
      box('trun', u32(0x000301, 2, 0, 3000, 500, 3000, 700)),
    );
    const moof = box('moof', box('mfhd', u32(0, 1)), traf);
    const bytes = new Uint8Array([...moof, ...box('mdat', new Uint8Array(1200))]);
    expect(readTrackRuns(bytes)).toEqual([{ trackId: 1, baseDecodeTime: 9000, samples: 2, sampleSizes: [500, 700] }]);
    expect(sampleSizes(bytes, 2)).toEqual([]);
  });

  it('uses the default sample size from tfhd when trun carries none', () => {
    const traf = box('traf', box('tfhd', u32(0x000010, 2, 64)), box('trun', u32(0, 3)));
    expect(sampleSizes(box('moof', traf), 2)).toEqual([64, 64, 64]);
  });
});

describe('readFlv', () => {
  it('splits tags and tells coded video frames from sequence headers', () => {
    const header = new Uint8Array([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
    const tag = (type: number, ts: number, body: number[]) => {
      const size = body.length;
      return [
        type,
        size >> 16,
        (size >> 8) & 0xff,
        size & 0xff,
        (ts >> 16) & 0xff,
        (ts >> 8) & 0xff,
        ts & 0xff,
        0,
      ].concat([0, 0, 0], body, [0, 0, 0, size + 11]);
    };
    const file = new Uint8Array([
      ...header,
      ...tag(9, 0, [0x17, 0, 0, 0, 0, 1, 2]),
      ...tag(9, 33, [0x27, 1, 0, 0, 0, 9, 9, 9]),
      ...tag(8, 40, [0xaf, 1, 5]),
    ]);
    const flv = readFlv(file);
    expect(flv.header.byteLength).toBe(13);
    expect(flv.tags.map((t) => [t.type, t.timestampMs, t.videoFrame, t.frameBytes])).toEqual([
      [9, 0, false, 0],
      [9, 33, true, 3],
      [8, 40, false, 0],
    ]);
  });
});

describe('nextPart', () => {
  it('asks for the part after the last listed one, or part 0 of the next segment', () => {
    const open =
      '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-PART:URI="p1.m4s"\n#EXTINF:1.0,\ns4.m4s\n#EXT-X-PART:URI="p2.m4s"\n#EXT-X-PART:URI="p3.m4s"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p4.m4s"\n';
    expect(nextPart(open)).toEqual({ msn: 5, part: 2 });
    const closed = '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-PART:URI="p1.m4s"\n#EXTINF:1.0,\ns4.m4s\n';
    expect(nextPart(closed)).toEqual({ msn: 5, part: 0 });
  });
});
