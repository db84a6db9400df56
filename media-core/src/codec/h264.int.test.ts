/** SPS parsing checked against x264's output and ffprobe (integration tier: starts processes). */
import { ffmpeg, ffprobe, makeTempDir } from '@glint/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { CodecError } from './errors.ts';
import { avcCodecString, NalType, nalType, parseSps, splitAnnexB } from './h264.ts';

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
