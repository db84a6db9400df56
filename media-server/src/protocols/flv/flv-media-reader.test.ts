import { codec } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { parseAvcDecoderConfigurationRecord, toFourByteLengthPrefixes } from './avc.ts';
import { FlvError } from './errors.ts';
import {
  DEFAULT_MAX_CONSECUTIVE_DROPPED_FRAMES,
  FlvMediaReader,
  type FlvMediaReaderOptions,
} from './flv-media-reader.ts';

/** x264's baseline 320x240 parameter sets. */
const SPS = [
  0x67, 0x42, 0xc0, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0, 0, 3, 0, 0x10, 0, 0, 3, 0x03, 0xc0, 0xf1, 0x42, 0xa4,
  0x80,
];
const PPS = [0x68, 0xcb, 0x83, 0xcb, 0x20];

/** AVCDecoderConfigurationRecord with one SPS and one PPS. */
function avcRecord(lengthSize = 4, sps = SPS, pps = PPS): number[] {
  return [1, 0x42, 0xc0, 0x0d, 0xfc | (lengthSize - 1), 0xe1, 0, sps.length, ...sps, 1, 0, pps.length, ...pps];
}

/** FLV video tag body: [frameType|codec 7][AVCPacketType][CompositionTime SI24][data]. */
function avcTag(frameType: number, packetType: number, compositionTimeMs: number, data: number[]): Uint8Array {
  const ct = compositionTimeMs & 0xffffff;
  return Uint8Array.from([(frameType << 4) | 7, packetType, ct >> 16, (ct >> 8) & 0xff, ct & 0xff, ...data]);
}

function configured(lengthSize = 4, options: FlvMediaReaderOptions = {}): FlvMediaReader {
  const s = new FlvMediaReader(options);
  s.video(avcTag(1, 0, 0, avcRecord(lengthSize)), 0);
  return s;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlvError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return undefined;
}

describe('FlvMediaReader video', () => {
  it('turns the AVC sequence header into an H264Config', () => {
    const event = new FlvMediaReader().video(avcTag(1, 0, 0, avcRecord()), 40);
    expect(event).toEqual({
      kind: 'video-config',
      config: { codec: 'h264', sps: [Uint8Array.from(SPS)], pps: [Uint8Array.from(PPS)] },
      timestampMs: 40,
    });
  });

  it('computes dts from the tag time and pts from the signed composition time', () => {
    const s = configured();
    const nalu = [0, 0, 0, 2, 0x65, 0x88];
    expect(s.video(avcTag(1, 1, 67, nalu), 1000)).toEqual({
      kind: 'video',
      au: { data: Uint8Array.from(nalu), format: 'avcc', dts90k: 90_000, pts90k: 1067 * 90, keyframe: true },
    });
    const event = s.video(avcTag(2, 1, -33, [0, 0, 0, 1, 0x41]), 1000);
    expect(event?.kind === 'video' && event.au).toMatchObject({ pts90k: 967 * 90, dts90k: 90_000, keyframe: false });
  });

  it('rewrites 1- and 2-byte NAL unit lengths to 4 bytes', () => {
    const two = configured(2).video(avcTag(2, 1, 0, [0, 2, 0x41, 0x9a, 0, 1, 0x06]), 0);
    expect(two?.kind === 'video' && [...two.au.data]).toEqual([0, 0, 0, 2, 0x41, 0x9a, 0, 0, 0, 1, 0x06]);
    const one = configured(1).video(avcTag(2, 1, 0, [1, 0x41]), 0);
    expect(one?.kind === 'video' && [...one.au.data]).toEqual([0, 0, 0, 1, 0x41]);
  });

  /** A stream that records what it dropped. */
  function dropping(lengthSize = 4, options: FlvMediaReaderOptions = {}) {
    const dropped: string[] = [];
    const s = configured(lengthSize, { ...options, onDroppedFrame: (e) => dropped.push(`${e.code}: ${e.message}`) });
    return { s, dropped };
  }

  it.each([
    ['a length that overruns the packet', [0, 0, 0, 9, 0x65], 'INVALID_NALU_LENGTH: NAL unit of 9 bytes at byte 4'],
    ['a cut-off length prefix', [0, 0, 0], 'INVALID_NALU_LENGTH: NAL unit length prefix at byte 0 is truncated'],
    ['a zero length', [0, 0, 0, 1, 0x65, 0, 0, 0, 0], 'EMPTY_NALU: NAL unit at byte 5 has length 0'],
  ])('drops a frame with %s, reports it, and delivers the next one', (_what, data, reported) => {
    const { s, dropped } = dropping();
    expect(s.video(avcTag(1, 1, 0, data), 0)).toBeUndefined();
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain(reported);
    expect(s.video(avcTag(2, 1, 0, [0, 0, 0, 1, 0x41]), 33)?.kind).toBe('video');
  });

  it('drops 1 MiB of zeros with 1-byte NAL unit lengths at its first byte (it once became a million NAL units)', () => {
    const { s, dropped } = dropping(1);
    const body = new Uint8Array(5 + (1 << 20));
    body.set(avcTag(1, 1, 0, []));
    expect(s.video(body, 0)).toBeUndefined();
    expect(dropped).toEqual(['EMPTY_NALU: NAL unit at byte 0 has length 0']);
  });

  it('caps NAL units per frame and the frame size', () => {
    const { s, dropped } = dropping(1);
    const nalus = (n: number) => Array.from({ length: n }, () => [1, 0x41]).flat();
    const max = codec.MAX_NALS_PER_ACCESS_UNIT;
    const ok = s.video(avcTag(2, 1, 0, nalus(max)), 0);
    expect(ok?.kind === 'video' && ok.au.data.length).toBe(max * 5);
    expect(s.video(avcTag(2, 1, 0, nalus(max + 1)), 0)).toBeUndefined();
    expect(dropped).toEqual([`TOO_MANY_NALUS: video frame holds more than ${max} NAL units`]);

    const big = new Uint8Array(5 + codec.MAX_ACCESS_UNIT_BYTES + 1);
    big.set(avcTag(2, 1, 0, [0, 0, 0, 1, 0x41]));
    const four = dropping(4);
    expect(four.s.video(big, 0)).toBeUndefined();
    expect(four.dropped).toEqual([
      `FRAME_TOO_LARGE: video frame of ${codec.MAX_ACCESS_UNIT_BYTES + 1} bytes is above the 4194304-byte limit`,
    ]);
    const limited = dropping(4, { maxFrameBytes: 4, maxNalUnits: 1 });
    expect(limited.s.video(avcTag(2, 1, 0, [0, 0, 0, 1, 0x41]), 0)).toBeUndefined();
    expect(limited.s.video(avcTag(2, 1, 0, [0, 0, 0, 1, 0x41, 0, 0, 0, 1, 0x41]), 0)).toBeUndefined();
    expect(limited.dropped.map((d) => d.split(':')[0])).toEqual(['FRAME_TOO_LARGE', 'FRAME_TOO_LARGE']);
  });

  it('drops a frame whose in-band SPS does not parse, and passes one whose SPS does', () => {
    const { s, dropped } = dropping();
    const frame = (sps: number[]) => avcTag(1, 1, 0, [0, 0, 0, sps.length, ...sps, 0, 0, 0, 2, 0x65, 0x88]);
    expect(s.video(frame([0x67, 0x42]), 0)).toBeUndefined();
    expect(dropped).toEqual([
      'INVALID_IN_BAND_SPS: the SPS inside a video frame is invalid: SPS of 2 bytes is too short',
    ]);
    expect(s.video(frame(SPS), 33)?.kind).toBe('video');
    // x264's SPS with another level byte: new, parsed, passed.
    expect(s.video(frame([SPS[0]!, SPS[1]!, SPS[2]!, 0x1f, ...SPS.slice(4)]), 66)?.kind).toBe('video');
    expect(dropped).toHaveLength(1);
  });

  it('drops the publisher (TOO_MANY_BAD_FRAMES) only after many bad frames in a row', () => {
    const { s, dropped } = dropping(4, { maxConsecutiveDroppedFrames: 3 });
    const bad = avcTag(2, 1, 0, [0, 0, 0, 0]);
    const good = avcTag(2, 1, 0, [0, 0, 0, 1, 0x41]);
    for (let round = 0; round < 3; round++) {
      expect(s.video(bad, 0)).toBeUndefined();
      expect(s.video(bad, 0)).toBeUndefined();
      expect(s.video(good, 0)?.kind).toBe('video');
    }
    s.video(bad, 0);
    s.video(bad, 0);
    expect(codeOf(() => s.video(bad, 0))).toMatch(/^TOO_MANY_BAD_FRAMES: 3 video frames in a row were malformed/);
    expect(dropped).toHaveLength(9);
    expect(DEFAULT_MAX_CONSECUTIVE_DROPPED_FRAMES).toBe(150);
  });

  it('ignores end-of-sequence packets and command frames', () => {
    expect(configured().video(avcTag(1, 2, 0, []), 0)).toBeUndefined();
    expect(new FlvMediaReader().video(Uint8Array.from([0x57, 0]), 0)).toBeUndefined();
  });

  it('refuses frames before the sequence header', () => {
    expect(codeOf(() => new FlvMediaReader().video(avcTag(1, 1, 0, [0, 0, 0, 1, 0x65]), 0))).toMatch(
      /^MISSING_DECODER_CONFIG/,
    );
  });

  it.each([
    [0x12, 'Sorenson H.263'],
    [0x14, 'On2 VP6'],
    [0x1c, 'HEVC (H.265)'],
    [0x1b, 'id 11'],
  ])('names unsupported FLV video codec byte 0x%s: %s', (b0, name) => {
    expect(codeOf(() => new FlvMediaReader().video(Uint8Array.from([b0, 0, 0, 0, 0]), 0))).toBe(
      `UNSUPPORTED_CODEC: video codec ${name} is not supported; set the encoder to H.264 (AVC)`,
    );
  });

  it.each([
    ['hvc1', 'HEVC (H.265)'],
    ['av01', 'AV1'],
    ['vp09', 'VP9'],
  ])('names Enhanced RTMP FourCC %s', (fourcc, name) => {
    const body = Uint8Array.from([0x90, ...Buffer.from(fourcc, 'latin1')]);
    expect(codeOf(() => new FlvMediaReader().video(body, 0))).toContain(`video codec ${name} is not supported`);
  });

  it('accepts H.264 in Enhanced RTMP framing (avc1 FourCC)', () => {
    const s = new FlvMediaReader();
    const avc1 = [...Buffer.from('avc1', 'latin1')];
    expect(s.video(Uint8Array.from([0x90, ...avc1, ...avcRecord()]), 0)?.kind).toBe('video-config');
    const coded = s.video(Uint8Array.from([0x91, ...avc1, 0, 0, 33, 0, 0, 0, 1, 0x65]), 100);
    expect(coded?.kind === 'video' && coded.au).toMatchObject({ dts90k: 9000, pts90k: 133 * 90, keyframe: true });
    const codedX = s.video(Uint8Array.from([0xa3, ...avc1, 0, 0, 0, 1, 0x41]), 133);
    expect(codedX?.kind === 'video' && codedX.au).toMatchObject({
      dts90k: 133 * 90,
      pts90k: 133 * 90,
      keyframe: false,
    });
  });

  it('refuses truncated headers with a typed error, never a RangeError', () => {
    expect(codeOf(() => new FlvMediaReader().video(new Uint8Array(0), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvMediaReader().video(Uint8Array.from([0x17, 1, 0]), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvMediaReader().video(Uint8Array.from([0x90, 0x61]), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvMediaReader().video(avcTag(1, 0, 0, [1, 0x42, 0xc0]), 0))).toMatch(
      /^INVALID_DECODER_CONFIG/,
    );
  });
});

describe('FlvMediaReader audio', () => {
  it('turns the AAC sequence header into an AacConfig and raw frames into AudioFrames', () => {
    const s = new FlvMediaReader();
    expect(s.audio(Uint8Array.from([0xaf, 0, 0x12, 0x10]), 0)).toEqual({
      kind: 'audio-config',
      config: { codec: 'aac', asc: Uint8Array.from([0x12, 0x10]) },
      timestampMs: 0,
    });
    expect(s.audio(Uint8Array.from([0xaf, 1, 0x21, 0x10, 0x04]), 23)).toEqual({
      kind: 'audio',
      frame: { data: Uint8Array.from([0x21, 0x10, 0x04]), pts90k: 23 * 90 },
    });
  });

  it.each([
    [0x2f, 'MP3'],
    [0xbf, 'Speex'],
    [0x6f, 'Nellymoser'],
    [0x7f, 'G.711 A-law'],
  ])('names unsupported sound format byte 0x%s: %s', (b0, name) => {
    expect(codeOf(() => new FlvMediaReader().audio(Uint8Array.from([b0, 1, 2]), 0))).toBe(
      `UNSUPPORTED_CODEC: audio codec ${name} is not supported; set the encoder to AAC`,
    );
  });

  it('names Enhanced RTMP audio FourCCs and accepts mp4a', () => {
    const opus = Uint8Array.from([0x90, ...Buffer.from('Opus', 'latin1'), 1]);
    expect(codeOf(() => new FlvMediaReader().audio(opus, 0))).toContain('audio codec Opus is not supported');
    const mp4a = Uint8Array.from([0x90, ...Buffer.from('mp4a', 'latin1'), 0x12, 0x10]);
    expect(new FlvMediaReader().audio(mp4a, 0)?.kind).toBe('audio-config');
  });

  it.each([
    [
      'reserved sampling frequency index 13',
      [0x16, 0x90],
      'INVALID_DECODER_CONFIG: AAC AudioSpecificConfig is invalid',
    ],
    ['audio object type 0', [0x01, 0x90], 'INVALID_DECODER_CONFIG: AAC AudioSpecificConfig is invalid'],
    ['channel configuration 0', [0x12, 0x00], 'UNSUPPORTED_CODEC: AAC: channelConfiguration 0 is not supported'],
  ])('refuses an AudioSpecificConfig with %s', (_what, asc, why) => {
    expect(codeOf(() => new FlvMediaReader().audio(Uint8Array.from([0xaf, 0, ...asc]), 0))).toContain(why);
  });

  it('refuses a short AudioSpecificConfig and empty tags', () => {
    expect(codeOf(() => new FlvMediaReader().audio(Uint8Array.from([0xaf, 0, 0x12]), 0))).toMatch(
      /^INVALID_DECODER_CONFIG/,
    );
    expect(codeOf(() => new FlvMediaReader().audio(new Uint8Array(0), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvMediaReader().audio(Uint8Array.from([0xaf]), 0))).toMatch(/^TRUNCATED/);
  });
});

describe('AVCDecoderConfigurationRecord', () => {
  it('reads profile, level, length size and parameter sets', () => {
    const parsed = parseAvcDecoderConfigurationRecord(Uint8Array.from(avcRecord(2)));
    expect(parsed).toMatchObject({ profileIndication: 0x42, levelIndication: 0x0d, lengthSize: 2 });
  });

  it.each([
    ['wrong version', [2, ...avcRecord().slice(1)]],
    ['3-byte lengths', avcRecord(3)],
    ['SPS overruns', avcRecord().slice(0, 10)],
    ['PPS count missing', avcRecord().slice(0, 8 + SPS.length)],
    ['no SPS', [1, 0x42, 0xc0, 0x1e, 0xff, 0xe0, 0]],
  ])('refuses %s', (_what, bytes) => {
    expect(() => parseAvcDecoderConfigurationRecord(Uint8Array.from(bytes))).toThrow(FlvError);
  });

  it.each([
    ['a 2-byte SPS', avcRecord(4, [0x67, 0x42]), 'SPS 0 is invalid: SPS of 2 bytes is too short'],
    ['an SPS cut short', avcRecord(4, SPS.slice(0, 6)), 'SPS 0 is invalid: bitstream truncated'],
    ['a PPS in the SPS list', avcRecord(4, PPS), 'SPS 0 is invalid: NAL type 8 is not an SPS (7)'],
    ['an SPS in the PPS list', avcRecord(4, SPS, SPS), 'PPS 0 has NAL type 7, not 8'],
    ['no PPS', [...avcRecord().slice(0, 8 + SPS.length), 0], 'no PPS'],
  ])('refuses codec configuration the outputs cannot use: %s', (_what, bytes, why) => {
    expect(codeOf(() => new FlvMediaReader().video(avcTag(1, 0, 0, bytes), 0))).toContain(
      `INVALID_DECODER_CONFIG: AVCDecoderConfigurationRecord: ${why}`,
    );
  });

  it('leaves 4-byte AVCC untouched', () => {
    const data = Uint8Array.from([0, 0, 0, 1, 0x65]);
    expect(toFourByteLengthPrefixes(data, 4)).toBe(data);
  });
});
