import { codec } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { adtsParamsFromAsc, toAdts } from './adts.ts';

describe('ADTS from an AudioSpecificConfig', () => {
  it('writes headers the ADTS reader reads back, for LC 44.1 kHz mono and 48 kHz stereo', () => {
    for (const asc of [Uint8Array.of(0x12, 0x08), Uint8Array.of(0x11, 0x90)]) {
      const frame = new Uint8Array(300).fill(7);
      const adts = toAdts(adtsParamsFromAsc(asc), frame);
      const parsed = codec.parseAdts(adts);
      expect([...parsed.asc]).toEqual([...asc]);
      expect(parsed.frames).toHaveLength(1);
      expect([...parsed.frames[0]!]).toEqual([...frame]);
    }
    expect([...toAdts(adtsParamsFromAsc(Uint8Array.of(0x12, 0x10)), new Uint8Array(1))]).toEqual([
      0xff, 0xf1, 0x50, 0x80, 0x01, 0x1f, 0xfc, 0,
    ]);
  });

  it('refuses configurations ADTS cannot describe', () => {
    expect(() => adtsParamsFromAsc(Uint8Array.of(0x12))).toThrow(
      expect.objectContaining({ code: 'INVALID_AUDIO_CONFIG' }),
    );
    // Object type 5 (SBR), explicit frequency index 15, channel configuration 0.
    expect(() => adtsParamsFromAsc(Uint8Array.of(0x2a, 0x10))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }),
    );
    expect(() => adtsParamsFromAsc(Uint8Array.of(0x17, 0x90))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }),
    );
    expect(() => adtsParamsFromAsc(Uint8Array.of(0x12, 0x00))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }),
    );
    expect(() => toAdts(adtsParamsFromAsc(Uint8Array.of(0x12, 0x10)), new Uint8Array(9000))).toThrow(
      expect.objectContaining({ code: 'INVALID_AUDIO_CONFIG' }),
    );
  });
});
