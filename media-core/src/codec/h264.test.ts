import { packBits } from '@glint/testkit';
import { describe, expect, it } from 'vitest';
import { nalToRbsp } from './bit-reader.ts';
import { CodecError } from './errors.ts';
import {
  avcCodecString,
  MAX_NALS_PER_ACCESS_UNIT,
  NalType,
  nalType,
  parseSps,
  splitAnnexB,
  splitLengthPrefixed,
  toLengthPrefixed,
} from './h264.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('splitAnnexB', () => {
  it('splits 3- and 4-byte start codes into subarrays of the input', () => {
    const data = bytes(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x65, 0x88, 0x84);
    const nals = splitAnnexB(data);
    expect(nals.map((n) => [...n])).toEqual([
      [0x09, 0xf0],
      [0x67, 0x42],
      [0x68, 0xce],
      [0x65, 0x88, 0x84],
    ]);
    for (const nal of nals) expect(nal.buffer).toBe(data.buffer);
    expect(nals.map(nalType)).toEqual([NalType.AUD, NalType.SPS, NalType.PPS, NalType.IDR]);
  });

  it('drops trailing zero bytes and leading garbage; keeps 0x000003 escapes', () => {
    const data = bytes(0xaa, 0xbb, 0, 0, 1, 0x41, 0, 0, 3, 1, 0, 0, 0, 0, 0, 1, 0x01, 0x02, 0, 0);
    expect(splitAnnexB(data).map((n) => [...n])).toEqual([
      [0x41, 0, 0, 3, 1],
      [0x01, 0x02],
    ]);
  });

  it.each([
    ['two start codes in a row', bytes(0, 0, 1, 0, 0, 1, 0x41)],
    ['a start code followed by zeros only', bytes(0, 0, 1, 0x41, 0, 0, 1, 0, 0, 0, 0, 1, 0x41)],
    ['a start code at the end', bytes(0, 0, 1, 0x41, 0, 0, 0, 1)],
  ])('refuses an empty NAL: %s', (_what, data) => {
    expect(() => splitAnnexB(data)).toThrowError(expect.objectContaining({ name: 'CodecError', code: 'EMPTY_NAL' }));
  });

  it('caps the NAL units of one access unit', () => {
    const nals = (n: number) => new Uint8Array(n * 4).map((_, i) => [0, 0, 1, 0x41][i % 4]!);
    expect(splitAnnexB(nals(MAX_NALS_PER_ACCESS_UNIT))).toHaveLength(MAX_NALS_PER_ACCESS_UNIT);
    expect(() => splitAnnexB(nals(MAX_NALS_PER_ACCESS_UNIT + 1))).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_NALS' }),
    );
    expect(() => splitAnnexB(nals(3), 2)).toThrowError(expect.objectContaining({ code: 'TOO_MANY_NALS' }));
  });

  it('returns nothing without a start code', () => {
    expect(splitAnnexB(bytes(1, 2, 3, 0, 0))).toEqual([]);
    expect(splitAnnexB(new Uint8Array(0))).toEqual([]);
  });
});

describe('length-prefixed NAL units', () => {
  it('round-trips through toLengthPrefixed and splitLengthPrefixed', () => {
    const nals = [bytes(0x67, 1, 2), bytes(0x68), bytes(0x65, ...new Array(300).fill(7))];
    const avcc = toLengthPrefixed(nals);
    expect([...avcc.subarray(0, 11)]).toEqual([0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 1]);
    expect(splitLengthPrefixed(avcc).map((n) => [...n])).toEqual(nals.map((n) => [...n]));
  });

  it('reads 1- and 2-byte lengths', () => {
    expect(splitLengthPrefixed(bytes(2, 0x41, 9, 1, 0x68), 1).map((n) => [...n])).toEqual([[0x41, 9], [0x68]]);
    expect(splitLengthPrefixed(bytes(0, 1, 0x41), 2).map((n) => [...n])).toEqual([[0x41]]);
  });

  it('rejects a length that overruns the buffer or a cut-off prefix', () => {
    expect(() => splitLengthPrefixed(bytes(0, 0, 0, 9, 0x41))).toThrow(CodecError);
    expect(() => splitLengthPrefixed(bytes(0, 0, 1, 0x41, 0))).toThrowError(/cut off|claims/);
  });

  it.each([1, 2, 4] as const)('refuses a zero length with %i-byte prefixes', (lengthSize) => {
    const prefix = (n: number) => [...new Array(lengthSize - 1).fill(0), n];
    const data = bytes(...prefix(1), 0x41, ...prefix(0), ...prefix(1), 0x41);
    expect(() => splitLengthPrefixed(data, lengthSize)).toThrowError(
      expect.objectContaining({
        name: 'CodecError',
        code: 'EMPTY_NAL',
        message: `NAL at byte ${lengthSize + 1} has length 0`,
      }),
    );
  });

  it('refuses 1 MiB of zeros with 1-byte prefixes (a million empty NALs) at its first byte', () => {
    expect(() => splitLengthPrefixed(new Uint8Array(1 << 20), 1)).toThrowError(
      expect.objectContaining({ code: 'EMPTY_NAL', message: 'NAL at byte 0 has length 0' }),
    );
  });

  it('caps the NAL units of one access unit before making a view past the cap', () => {
    const ones = (n: number) => new Uint8Array(n * 2).map((_, i) => (i % 2 === 0 ? 1 : 0x41));
    expect(splitLengthPrefixed(ones(MAX_NALS_PER_ACCESS_UNIT), 1)).toHaveLength(MAX_NALS_PER_ACCESS_UNIT);
    expect(() => splitLengthPrefixed(ones(1 << 19), 1)).toThrowError(
      expect.objectContaining({ code: 'TOO_MANY_NALS', message: 'access unit holds more than 1024 NAL units' }),
    );
    expect(() => splitLengthPrefixed(ones(3), 1, 2)).toThrowError(expect.objectContaining({ code: 'TOO_MANY_NALS' }));
  });

  it('nalType rejects an empty NAL', () => {
    expect(() => nalType(new Uint8Array(0))).toThrow(CodecError);
  });
});

describe('nalToRbsp', () => {
  it('removes emulation prevention bytes only after two zeros', () => {
    expect([...nalToRbsp(bytes(0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 3, 3, 5, 3))]).toEqual([
      0x67, 0, 0, 1, 0, 0, 0, 0, 3, 5, 3,
    ]);
    const plain = bytes(0x67, 0, 3, 0);
    expect(nalToRbsp(plain)).toBe(plain);
  });
});

describe('parseSps on bad input', () => {
  it('rejects a non-SPS NAL, a short one and a forbidden bit', () => {
    for (const nal of [bytes(0x68, 0xce, 0x38, 0x80), bytes(0x67, 0x64), bytes(0xe7, 0x64, 0, 0x1f, 0xac)]) {
      expect(() => parseSps(nal)).toThrowError(expect.objectContaining({ name: 'CodecError', code: 'INVALID_SPS' }));
    }
  });

  it('rejects an exp-Golomb code that runs off the end', () => {
    // profile 66, no constraints, level 30, then only zero bits: the sps id code never terminates.
    expect(() => parseSps(bytes(0x67, 66, 0, 30, 0, 0, 0, 0, 0, 0))).toThrow(CodecError);
  });

  it('throws only CodecError on random garbage', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 16;
    };
    for (let i = 0; i < 3000; i++) {
      const garbage = Uint8Array.from({ length: 4 + (rand() % 40) }, () => rand() & 0xff);
      garbage[0] = 0x67;
      try {
        const info = parseSps(garbage);
        expect(info.width).toBeGreaterThan(0);
        expect(info.height).toBeGreaterThan(0);
        expect(Math.max(info.width, info.height)).toBeLessThanOrEqual(1056 * 16);
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    }
  });

  it('rejects a picture larger than any level allows', () => {
    // Baseline, level 3.0, sps id 0, log2_max_frame_num 4, poc type 2, 1 ref frame, no gaps; the width (ue(v) bits);
    // a height of 1, frame_mbs_only, direct_8x8, no crop, no VUI.
    const spsWithWidth = (widthCode: [number, number][]) =>
      packBits([
        [0x67, 8],
        [66, 8],
        [0, 8],
        [30, 8],
        [1, 1],
        [1, 1],
        [0b011, 3],
        [0b010, 3],
        [0, 1],
        ...widthCode,
        [1, 1],
        [0b1100, 4],
      ]);
    // 2^20 macroblocks: 20 zeros, a one, 20 zero bits.
    expect(() =>
      parseSps(
        spsWithWidth([
          [1, 21],
          [0, 20],
        ]),
      ),
    ).toThrowError(
      expect.objectContaining({
        code: 'INVALID_SPS',
        message: 'picture of 1048576x1 macroblocks exceeds every level (1056)',
      }),
    );
    // 20 macroblocks: ue(19) = 0000 1 0100.
    expect(parseSps(spsWithWidth([[0b000010100, 9]]))).toMatchObject({ width: 320, height: 16 });
  });

  it('avcCodecString rejects a non-SPS', () => {
    expect(() => avcCodecString(bytes(0x68, 1, 2, 3))).toThrow(CodecError);
  });
});
