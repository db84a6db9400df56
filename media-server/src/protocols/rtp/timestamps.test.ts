import { describe, expect, it } from 'vitest';
import { RtpTimestampUnwrapper, SequenceUnwrapper, to90k, toRtpTimestamp } from './timestamps.ts';

describe('RTP timestamps', () => {
  it('unwraps across 2^32 and follows small steps back', () => {
    const u = new RtpTimestampUnwrapper();
    expect(u.unwrap(0xffff_ff00)).toBe(0xffff_ff00);
    expect(u.unwrap(0x0000_0100)).toBe(0x1_0000_0100);
    expect(u.unwrap(0x0000_0080)).toBe(0x1_0000_0080);
    expect(u.unwrap(0x7000_0000)).toBe(0x1_7000_0000);
    expect(u.unwrap(0xe000_0000)).toBe(0x1_e000_0000);
    expect(u.unwrap(0x0000_0000)).toBe(0x2_0000_0000);
  });

  it('unwraps sequence numbers', () => {
    const u = new SequenceUnwrapper();
    expect(u.unwrap(65534)).toBe(65534);
    expect(u.unwrap(1)).toBe(65537);
    expect(u.unwrap(65535)).toBe(65535);
  });

  it('converts clocks and wraps timeline values', () => {
    expect(to90k(960, 48_000)).toBe(1800);
    expect(to90k(3000, 90_000)).toBe(3000);
    expect(toRtpTimestamp(0x1_0000_0005)).toBe(5);
    expect(toRtpTimestamp(-1)).toBe(0xffff_ffff);
  });
});
