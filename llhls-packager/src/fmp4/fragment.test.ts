import { describe, expect, it } from 'vitest';
import { findBox, fromHex, readBoxes, toHex } from '../../test/box-reader.ts';
import { Fmp4Error } from './errors.ts';
import { writeFragment } from './fragment.ts';
import type { Fragment } from './types.ts';

const TWO_SAMPLES: Fragment = {
  sequenceNumber: 7,
  tracks: [
    {
      trackId: 1,
      baseMediaDecodeTime: 2 ** 32 + 5,
      samples: [
        { data: Uint8Array.of(1, 2, 3), duration: 3000, keyframe: true, compositionOffset: 6000 },
        { data: Uint8Array.of(4, 5), duration: 3000, keyframe: false, compositionOffset: -3000 },
      ],
    },
  ],
};

describe('writeFragment golden bytes', () => {
  const out = writeFragment(TWO_SAMPLES);
  const boxes = readBoxes(out);

  it('writes moof then mdat and nothing else', () => {
    expect(boxes.map((b) => b.type)).toEqual(['moof', 'mdat']);
    expect(out.length).toBe(120 + 8 + 5);
  });

  it('mfhd carries the sequence number', () => {
    expect(toHex(findBox(boxes, 'moof', 'mfhd').bytes)).toBe('00000010' + '6d666864' + '00000000' + '00000007');
  });

  it('tfhd sets default-base-is-moof and the track id', () => {
    expect(toHex(findBox(boxes, 'moof', 'traf', 'tfhd').bytes)).toBe('00000010' + '74666864' + '00020000' + '00000001');
  });

  it('tfdt is version 1 with a 64-bit decode time beyond 2^32', () => {
    expect(toHex(findBox(boxes, 'moof', 'traf', 'tfdt').bytes)).toBe(
      '00000014' + '74666474' + '01000000' + '00000001' + '00000005',
    );
  });

  it('trun v1 has data offset, durations, sizes, sync/non-sync flags and signed offsets', () => {
    const expected = fromHex(`
      00000034 7472756e 01000f01
      00000002 00000080
      00000bb8 00000003 02000000 00001770
      00000bb8 00000002 01010000 fffff448`);
    expect(toHex(findBox(boxes, 'moof', 'traf', 'trun').bytes)).toBe(toHex(expected));
  });

  it('mdat holds the samples in order, and data_offset points at the first', () => {
    expect(toHex(findBox(boxes, 'mdat').bytes)).toBe('0000000d' + '6d646174' + '0102030405');
    expect(out[0x80]).toBe(1);
  });
});

describe('writeFragment with two tracks', () => {
  it('gives each trun the offset of its own track data in the shared mdat', () => {
    const video = Uint8Array.from({ length: 100 }, (_, i) => i);
    const audio = Uint8Array.from({ length: 10 }, (_, i) => 200 + i);
    const out = writeFragment({
      sequenceNumber: 1,
      tracks: [
        {
          trackId: 1,
          baseMediaDecodeTime: 0,
          samples: [{ data: video, duration: 1, keyframe: true, compositionOffset: 0 }],
        },
        {
          trackId: 2,
          baseMediaDecodeTime: 0,
          samples: [
            { data: audio.subarray(0, 4), duration: 1024, keyframe: true, compositionOffset: 0 },
            { data: audio.subarray(4), duration: 1024, keyframe: true, compositionOffset: 0 },
          ],
        },
      ],
    });
    const trafs = readBoxes(out)[0]!.children.filter((b) => b.type === 'traf');
    expect(trafs).toHaveLength(2);
    const offsets = trafs.map((traf) => {
      const trun = findBox(traf.children, 'trun');
      return new DataView(trun.body.buffer, trun.body.byteOffset).getInt32(8);
    });
    expect(out.subarray(offsets[0]!, offsets[0]! + 100)).toEqual(video);
    expect(out.subarray(offsets[1]!, offsets[1]! + 10)).toEqual(audio);
  });
});

describe('writeFragment rejects what ISOBMFF cannot hold', () => {
  const sample = { data: Uint8Array.of(1), duration: 1, keyframe: true, compositionOffset: 0 };
  const base = { trackId: 1, baseMediaDecodeTime: 0, samples: [sample] };
  const bad: [string, Fragment][] = [
    ['no tracks', { sequenceNumber: 1, tracks: [] }],
    ['no samples', { sequenceNumber: 1, tracks: [{ ...base, samples: [] }] }],
    ['negative sequence', { sequenceNumber: -1, tracks: [base] }],
    ['track id 0', { sequenceNumber: 1, tracks: [{ ...base, trackId: 0 }] }],
    ['fractional time', { sequenceNumber: 1, tracks: [{ ...base, baseMediaDecodeTime: 1.5 }] }],
    ['unsafe time', { sequenceNumber: 1, tracks: [{ ...base, baseMediaDecodeTime: 2 ** 53 }] }],
    ['negative duration', { sequenceNumber: 1, tracks: [{ ...base, samples: [{ ...sample, duration: -1 }] }] }],
    ['huge offset', { sequenceNumber: 1, tracks: [{ ...base, samples: [{ ...sample, compositionOffset: 2 ** 31 }] }] }],
  ];
  for (const [name, fragment] of bad) {
    it(name, () => {
      expect(() => writeFragment(fragment)).toThrowError(expect.objectContaining({ code: 'INVALID_FRAGMENT' }));
      expect(() => writeFragment(fragment)).toThrow(Fmp4Error);
    });
  }
});
