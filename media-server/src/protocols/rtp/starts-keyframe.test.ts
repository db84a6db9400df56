import { describe, expect, it } from 'vitest';
import { startsKeyframe } from './starts-keyframe.ts';

describe('startsKeyframe', () => {
  it.each([
    ['an IDR alone', [0x65, 0x88], true],
    ['an SPS alone', [0x67, 0x42], true],
    ['a PPS alone', [0x68, 0xce], false],
    ['a non-IDR slice', [0x41, 0x9a], false],
    ['STAP-A opening with an SPS', [0x78, 0, 2, 0x67, 0x42, 0, 2, 0x68, 0xce], true],
    ['STAP-A opening with an IDR', [0x78, 0, 2, 0x65, 0x88], true],
    ['STAP-A opening with an SEI', [0x78, 0, 2, 0x06, 0x05, 0, 2, 0x67, 0x42], false],
    ['FU-A start of an IDR', [0x7c, 0x85, 0x88], true],
    ['FU-A middle of an IDR', [0x7c, 0x05, 0x88], false],
    ['FU-A end of an IDR', [0x7c, 0x45, 0x88], false],
    ['FU-A start of a non-IDR slice', [0x7c, 0x81, 0x9a], false],
    ['an empty payload', [], false],
    ['a truncated STAP-A', [0x78, 0], false],
  ])('%s → %s', (_what, bytes, expected) => {
    expect(startsKeyframe(Uint8Array.from(bytes))).toBe(expected);
  });
});
