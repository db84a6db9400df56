import { describe, expect, it } from 'vitest';
import { parseAvcDecoderConfigurationRecord, toFourByteLengthPrefixes } from './avc.ts';
import { FlvError } from './errors.ts';
import { FlvToStream } from './to_stream.ts';

const SPS = [0x67, 0x42, 0xc0, 0x1e, 0xd9];
const PPS = [0x68, 0xce, 0x3c, 0x80];

/** AVCDecoderConfigurationRecord with one SPS and one PPS. */
function avcRecord(lengthSize = 4): number[] {
  return [1, 0x42, 0xc0, 0x1e, 0xfc | (lengthSize - 1), 0xe1, 0, SPS.length, ...SPS, 1, 0, PPS.length, ...PPS];
}

/** FLV video tag body: [frameType|codec 7][AVCPacketType][CompositionTime SI24][data]. */
function avcTag(frameType: number, packetType: number, compositionTimeMs: number, data: number[]): Uint8Array {
  const ct = compositionTimeMs & 0xffffff;
  return Uint8Array.from([(frameType << 4) | 7, packetType, ct >> 16, (ct >> 8) & 0xff, ct & 0xff, ...data]);
}

function configured(lengthSize = 4): FlvToStream {
  const s = new FlvToStream();
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

describe('FlvToStream video', () => {
  it('turns the AVC sequence header into an H264Config', () => {
    const event = new FlvToStream().video(avcTag(1, 0, 0, avcRecord()), 40);
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

  it('refuses NAL unit lengths that overrun the packet', () => {
    expect(codeOf(() => configured().video(avcTag(1, 1, 0, [0, 0, 0, 9, 0x65]), 0))).toMatch(/^INVALID_NALU_LENGTH/);
    expect(codeOf(() => configured().video(avcTag(1, 1, 0, [0, 0, 0]), 0))).toMatch(/^INVALID_NALU_LENGTH/);
  });

  it('ignores end-of-sequence packets and command frames', () => {
    expect(configured().video(avcTag(1, 2, 0, []), 0)).toBeUndefined();
    expect(new FlvToStream().video(Uint8Array.from([0x57, 0]), 0)).toBeUndefined();
  });

  it('refuses frames before the sequence header', () => {
    expect(codeOf(() => new FlvToStream().video(avcTag(1, 1, 0, [0, 0, 0, 1, 0x65]), 0))).toMatch(
      /^MISSING_DECODER_CONFIG/,
    );
  });

  it.each([
    [0x12, 'Sorenson H.263'],
    [0x14, 'On2 VP6'],
    [0x1c, 'HEVC (H.265)'],
    [0x1b, 'id 11'],
  ])('names unsupported FLV video codec byte 0x%s: %s', (b0, name) => {
    expect(codeOf(() => new FlvToStream().video(Uint8Array.from([b0, 0, 0, 0, 0]), 0))).toBe(
      `UNSUPPORTED_CODEC: video codec ${name} is not supported; set the encoder to H.264 (AVC)`,
    );
  });

  it.each([
    ['hvc1', 'HEVC (H.265)'],
    ['av01', 'AV1'],
    ['vp09', 'VP9'],
  ])('names Enhanced RTMP FourCC %s', (fourcc, name) => {
    const body = Uint8Array.from([0x90, ...Buffer.from(fourcc, 'latin1')]);
    expect(codeOf(() => new FlvToStream().video(body, 0))).toContain(`video codec ${name} is not supported`);
  });

  it('accepts H.264 in Enhanced RTMP framing (avc1 FourCC)', () => {
    const s = new FlvToStream();
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
    expect(codeOf(() => new FlvToStream().video(new Uint8Array(0), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvToStream().video(Uint8Array.from([0x17, 1, 0]), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvToStream().video(Uint8Array.from([0x90, 0x61]), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvToStream().video(avcTag(1, 0, 0, [1, 0x42, 0xc0]), 0))).toMatch(
      /^INVALID_DECODER_CONFIG/,
    );
  });
});

describe('FlvToStream audio', () => {
  it('turns the AAC sequence header into an AacConfig and raw frames into AudioFrames', () => {
    const s = new FlvToStream();
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
    expect(codeOf(() => new FlvToStream().audio(Uint8Array.from([b0, 1, 2]), 0))).toBe(
      `UNSUPPORTED_CODEC: audio codec ${name} is not supported; set the encoder to AAC`,
    );
  });

  it('names Enhanced RTMP audio FourCCs and accepts mp4a', () => {
    const opus = Uint8Array.from([0x90, ...Buffer.from('Opus', 'latin1'), 1]);
    expect(codeOf(() => new FlvToStream().audio(opus, 0))).toContain('audio codec Opus is not supported');
    const mp4a = Uint8Array.from([0x90, ...Buffer.from('mp4a', 'latin1'), 0x12, 0x10]);
    expect(new FlvToStream().audio(mp4a, 0)?.kind).toBe('audio-config');
  });

  it('refuses a short AudioSpecificConfig and empty tags', () => {
    expect(codeOf(() => new FlvToStream().audio(Uint8Array.from([0xaf, 0, 0x12]), 0))).toMatch(
      /^INVALID_DECODER_CONFIG/,
    );
    expect(codeOf(() => new FlvToStream().audio(new Uint8Array(0), 0))).toMatch(/^TRUNCATED/);
    expect(codeOf(() => new FlvToStream().audio(Uint8Array.from([0xaf]), 0))).toMatch(/^TRUNCATED/);
  });
});

describe('AVCDecoderConfigurationRecord', () => {
  it('reads profile, level, length size and parameter sets', () => {
    const parsed = parseAvcDecoderConfigurationRecord(Uint8Array.from(avcRecord(2)));
    expect(parsed).toMatchObject({ profileIndication: 0x42, levelIndication: 0x1e, lengthSize: 2 });
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

  it('leaves 4-byte AVCC untouched', () => {
    const data = Uint8Array.from([0, 0, 0, 1, 0x65]);
    expect(toFourByteLengthPrefixes(data, 4)).toBe(data);
  });
});
