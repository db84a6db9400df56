import { packBits } from '@glint/testkit';
import { describe, expect, it } from 'vitest';
import {
  aacCodecString,
  buildAudioSpecificConfig,
  parseAdts,
  parseAudioSpecificConfig,
  readAdtsHeader,
  stripAdts,
} from './aac.ts';
import { CodecError } from './errors.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('parseAudioSpecificConfig', () => {
  it('reads AAC-LC 44.1 kHz stereo (0x12 0x10)', () => {
    expect(parseAudioSpecificConfig(bytes(0x12, 0x10))).toEqual({
      objectType: 2,
      sampleRate: 44100,
      channels: 2,
      samplesPerFrame: 1024,
    });
    expect(aacCodecString(bytes(0x12, 0x10))).toBe('mp4a.40.2');
  });

  it('reads AAC-LC 48 kHz stereo (0x11 0x90)', () => {
    expect(parseAudioSpecificConfig(bytes(0x11, 0x90))).toMatchObject({
      objectType: 2,
      sampleRate: 48000,
      channels: 2,
    });
  });

  it('reads an explicit 24-bit sampling rate', () => {
    const asc = packBits([
      [2, 5],
      [15, 4],
      [37800, 24],
      [1, 4],
    ]);
    expect(parseAudioSpecificConfig(asc)).toMatchObject({ objectType: 2, sampleRate: 37800, channels: 1 });
  });

  it('reads the audioObjectType escape (31 + 6 bits)', () => {
    const asc = packBits([
      [31, 5],
      [10, 6],
      [3, 4],
      [2, 4],
    ]);
    expect(parseAudioSpecificConfig(asc)).toMatchObject({ objectType: 42, sampleRate: 48000, channels: 2 });
    expect(aacCodecString(asc)).toBe('mp4a.40.42');
  });

  it('reads explicit HE-AAC signalling, keeping the core rate', () => {
    const asc = packBits([
      [5, 5],
      [6, 4],
      [2, 4],
      [3, 4],
      [2, 5],
    ]);
    expect(parseAudioSpecificConfig(asc)).toMatchObject({ objectType: 5, sampleRate: 24000, channels: 2 });
    expect(aacCodecString(asc)).toBe('mp4a.40.5');
  });

  it('maps channel configuration 7 to 8 channels', () => {
    expect(
      parseAudioSpecificConfig(
        packBits([
          [2, 5],
          [3, 4],
          [7, 4],
        ]),
      ).channels,
    ).toBe(8);
  });

  it('rejects truncated, reserved and PCE-only configs with typed errors', () => {
    const cases: [Uint8Array, string][] = [
      [bytes(), 'INVALID_ASC'],
      [bytes(0x12), 'INVALID_ASC'],
      [
        packBits([
          [2, 5],
          [13, 4],
          [2, 4],
        ]),
        'INVALID_ASC',
      ],
      [
        packBits([
          [2, 5],
          [15, 4],
        ]),
        'INVALID_ASC',
      ],
      [
        packBits([
          [2, 5],
          [4, 4],
          [0, 4],
        ]),
        'UNSUPPORTED_CODEC_FEATURE',
      ],
      [
        packBits([
          [0, 5],
          [4, 4],
          [2, 4],
        ]),
        'INVALID_ASC',
      ],
    ];
    for (const [asc, code] of cases) {
      expect(() => parseAudioSpecificConfig(asc)).toThrowError(expect.objectContaining({ name: 'CodecError', code }));
    }
  });

  it('buildAudioSpecificConfig inverts parsing', () => {
    expect([...buildAudioSpecificConfig(2, 4, 2)]).toEqual([0x12, 0x10]);
    expect([...buildAudioSpecificConfig(2, 3, 2)]).toEqual([0x11, 0x90]);
  });
});

describe('ADTS', () => {
  // A 9-byte header (CRC present) around a 2-byte payload: LC, 48 kHz (index 3), stereo, frame_length 11.
  const crcFrame = bytes(0xff, 0xf0, 0x4c, 0x80, 0x01, 0x7f, 0xfc, 0xab, 0xcd, 0x21, 0x22);

  it('honours protection_absent = 0 (9-byte header)', () => {
    expect(readAdtsHeader(crcFrame)).toEqual({
      headerLength: 9,
      frameLength: 11,
      objectType: 2,
      frequencyIndex: 3,
      channelConfig: 2,
    });
    expect([...stripAdts(crcFrame)]).toEqual([0x21, 0x22]);
    expect([...parseAdts(crcFrame).asc]).toEqual([0x11, 0x90]);
  });

  it('rejects lost sync, a cut-off last frame, multiple raw blocks and an empty buffer', () => {
    const twoBlocks = crcFrame.slice();
    twoBlocks[6] = 0xfd;
    const cases: [Uint8Array, string][] = [
      [bytes(0xff, 0xe0, 0, 0, 0, 0, 0), 'INVALID_ADTS'],
      [crcFrame.subarray(0, 10), 'INVALID_ADTS'],
      [Uint8Array.of(...crcFrame, 0xff, 0xf1), 'INVALID_ADTS'],
      [twoBlocks, 'UNSUPPORTED_CODEC_FEATURE'],
      [bytes(), 'INVALID_ADTS'],
    ];
    for (const [buf, code] of cases) {
      expect(() => parseAdts(buf)).toThrowError(expect.objectContaining({ name: 'CodecError', code }));
    }
    expect(() => stripAdts(crcFrame.subarray(0, 10))).toThrow(CodecError);
  });
});
