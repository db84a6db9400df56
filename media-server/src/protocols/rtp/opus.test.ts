import { describe, expect, it } from 'vitest';
import { opus90kToTicks, opusTicksTo90k, readOpusPayload } from './opus.ts';

describe('Opus RTP payload (RFC 7587)', () => {
  it('is the Opus packet as-is, with its duration from the TOC', () => {
    // TOC config 31 (CELT FB 20 ms), stereo, code 0.
    const packet = Uint8Array.of((31 << 3) | 0x04, 0xaa, 0xbb);
    const read = readOpusPayload(packet);
    expect(read.packet).toBe(packet);
    expect(read.samples).toBe(960);
    // Code 3 with 3 frames of 20 ms.
    expect(readOpusPayload(Uint8Array.of((31 << 3) | 3, 3)).samples).toBe(2880);
  });

  it('rejects an empty payload and a bad frame count with typed errors', () => {
    expect(() => readOpusPayload(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'EMPTY_PAYLOAD' }));
    expect(() => readOpusPayload(Uint8Array.of((31 << 3) | 3, 0))).toThrow(
      expect.objectContaining({ code: 'INVALID_OPUS' }),
    );
  });

  it('converts 48 kHz ticks to and from 90 kHz', () => {
    expect(opusTicksTo90k(960)).toBe(1800);
    expect(opus90kToTicks(1800)).toBe(960);
  });
});
