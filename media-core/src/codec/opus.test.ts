import { describe, expect, it } from 'vitest';
import { CodecError } from './errors.ts';
import { opusPacketSamples } from './opus.ts';

const toc = (config: number, stereo: boolean, code: number) => (config << 3) | (stereo ? 4 : 0) | code;

describe('opusPacketSamples', () => {
  it('gives one frame for code 0 across SILK, Hybrid and CELT configs', () => {
    const expected: [number, number][] = [
      [0, 480], // SILK NB 10 ms
      [1, 960],
      [2, 1920],
      [3, 2880], // SILK NB 60 ms
      [11, 2880], // SILK WB 60 ms
      [12, 480], // Hybrid SWB 10 ms
      [13, 960],
      [15, 960], // Hybrid FB 20 ms
      [16, 120], // CELT NB 2.5 ms
      [17, 240],
      [18, 480],
      [31, 960], // CELT FB 20 ms
    ];
    for (const [config, samples] of expected) {
      expect(opusPacketSamples(Uint8Array.of(toc(config, true, 0), 0))).toBe(samples);
    }
  });

  it('gives two frames for codes 1 and 2', () => {
    expect(opusPacketSamples(Uint8Array.of(toc(31, false, 1)))).toBe(1920);
    expect(opusPacketSamples(Uint8Array.of(toc(1, false, 2), 5))).toBe(1920);
  });

  it('counts frames from the second byte for code 3', () => {
    expect(opusPacketSamples(Uint8Array.of(toc(31, true, 3), 0x83))).toBe(2880); // VBR flag set, 3 frames
    expect(opusPacketSamples(Uint8Array.of(toc(16, true, 3), 48))).toBe(5760); // 48 x 2.5 ms = 120 ms
  });

  it('rejects empty packets, missing count bytes, zero frames and packets over 120 ms', () => {
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(toc(31, true, 3)),
      Uint8Array.of(toc(31, true, 3), 0),
      Uint8Array.of(toc(3, true, 3), 3),
    ];
    for (const packet of bad) {
      expect(() => opusPacketSamples(packet)).toThrowError(expect.objectContaining({ code: 'INVALID_OPUS' }));
      expect(() => opusPacketSamples(packet)).toThrow(CodecError);
    }
  });
});
