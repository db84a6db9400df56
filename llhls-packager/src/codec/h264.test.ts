import { afterAll, describe, expect, it } from 'vitest';
import { nalToRbsp } from './bit-reader.ts';
import { CodecError } from './errors.ts';
import {
  avcCodecString,
  NalType,
  nalType,
  parseSps,
  splitAnnexB,
  splitLengthPrefixed,
  toLengthPrefixed,
} from './h264.ts';
import { ffmpeg, ffprobe, makeTempDir } from './test-tools.ts';

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

  it('drops trailing zero bytes, leading garbage and empty NALs; keeps 0x000003 escapes', () => {
    const data = bytes(0xaa, 0xbb, 0, 0, 1, 0, 0, 1, 0x41, 0, 0, 3, 1, 0, 0, 0, 0, 0, 1, 0x01, 0x02, 0, 0);
    expect(splitAnnexB(data).map((n) => [...n])).toEqual([
      [0x41, 0, 0, 3, 1],
      [0x01, 0x02],
    ]);
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

interface ProbedStream {
  profile: string;
  level: number;
  width: number;
  height: number;
  pix_fmt: string;
  r_frame_rate: string;
}

const PROFILE_IDC: Record<string, number> = {
  'Constrained Baseline': 66,
  Baseline: 66,
  Main: 77,
  High: 100,
  'High 10': 110,
  'High 4:2:2': 122,
  'High 4:4:4 Predictive': 244,
};

describe('parseSps on x264 output, checked against ffprobe', () => {
  const dir = makeTempDir('sps');
  afterAll(() => dir.remove());

  const cases = [
    { name: 'high 1280x720@30 with B-frames', args: ['-s', '1280x720', '-r', '30', '-profile:v', 'high', '-bf', '2'] },
    { name: 'baseline 640x360 (cropped)', args: ['-s', '640x360', '-r', '30', '-profile:v', 'baseline'] },
    { name: '4:4:4 642x362 (chroma crop units of 1)', args: ['-s', '642x362', '-r', '25', '-pix_fmt', 'yuv444p'] },
    { name: '4:2:2 10-bit 320x240', args: ['-s', '320x240', '-r', '25', '-pix_fmt', 'yuv422p10le'] },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const file = dir.file(`${c.name.replace(/\W+/g, '_')}.h264`);
      const stream = ffmpeg(
        ['-f', 'lavfi', '-i', 'testsrc2', '-t', '0.2', '-c:v', 'libx264', ...c.args, '-f', 'h264'],
        file,
      );
      const sps = splitAnnexB(stream).find((n) => nalType(n) === NalType.SPS);
      if (sps === undefined) throw new Error('x264 output has no SPS');
      const probed = (ffprobe(['-show_streams', file]).json as { streams: ProbedStream[] }).streams[0]!;

      const info = parseSps(sps);
      expect(info.profileIdc).toBe(PROFILE_IDC[probed.profile]);
      expect(info.levelIdc).toBe(probed.level);
      expect(info.width).toBe(probed.width);
      expect(info.height).toBe(probed.height);
      const [num, den] = probed.r_frame_rate.split('/').map(Number);
      expect(info.frameRate).toBe(num! / den!);
      expect(info.chromaFormatIdc).toBe(
        probed.pix_fmt.startsWith('yuv444') ? 3 : probed.pix_fmt.startsWith('yuv422') ? 2 : 1,
      );
      expect(info.bitDepthLuma).toBe(probed.pix_fmt.includes('10') ? 10 : 8);
      expect(info.bitDepthChroma).toBe(info.bitDepthLuma);
      expect(info.constraintFlags).toBe(sps[2]);
      if (probed.profile === 'Constrained Baseline') expect(info.constraintFlags & 0x40).toBe(0x40);

      const hex = (b: number) => b.toString(16).padStart(2, '0');
      expect(avcCodecString(sps)).toBe(`avc1.${hex(info.profileIdc)}${hex(info.constraintFlags)}${hex(info.levelIdc)}`);

      // Every truncation either fails with the typed error or (once past the fields we read) parses the same.
      for (let len = 0; len < sps.length; len++) {
        try {
          const partial = parseSps(sps.subarray(0, len));
          expect([partial.width, partial.height]).toEqual([info.width, info.height]);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
          expect((error as CodecError).code).toBe('INVALID_SPS');
        }
      }
    });
  }
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
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    }
  });

  it('avcCodecString rejects a non-SPS', () => {
    expect(() => avcCodecString(bytes(0x68, 1, 2, 3))).toThrow(CodecError);
  });
});
