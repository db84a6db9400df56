import { describe, expect, it } from 'vitest';
import type { H264AccessUnit } from '../../protocols/rtp/h264-depacketizer.ts';
import type { WebRtcBridgeError } from '../../transcode/errors.ts';
import { VideoConfigGate } from './video-config-gate.ts';

/** x264's baseline 320x240 parameter sets. */
const SPS = Uint8Array.from([
  0x67, 0x42, 0xc0, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0, 0, 3, 0, 0x10, 0, 0, 3, 0x03, 0xc0, 0xf1, 0x42, 0xa4,
  0x80,
]);
const PPS = Uint8Array.from([0x68, 0xcb, 0x83, 0xcb, 0x20]);
const OTHER_PPS = Uint8Array.from([0x68, 0xce, 0x3c, 0x80]);
const BAD_SPS = Uint8Array.from([0x67, 0x42]);

/** I: keyframe with SPS/PPS, i: keyframe without, P: a delta frame, X: keyframe with a bad SPS, J: new PPS. */
function au(kind: string): H264AccessUnit {
  const keyframe = kind !== 'P';
  const sps = kind === 'I' || kind === 'J' ? [SPS] : kind === 'X' ? [BAD_SPS] : [];
  const pps = kind === 'I' || kind === 'X' ? [PPS] : kind === 'J' ? [OTHER_PPS] : [];
  return { nals: [], data: new Uint8Array(), format: 'avcc', timestamp: 0, keyframe, sps, pps };
}

/** What became of each access unit: '-' dropped, 'c' passed with a new config, '+' passed. */
function run(sequence: string): { out: string; stuck: boolean; dropped: number; errors: number } {
  const gate = new VideoConfigGate();
  const errors: WebRtcBridgeError[] = [];
  let out = '';
  for (const kind of sequence) {
    const admitted = gate.admit(au(kind), (e) => errors.push(e));
    out += admitted === undefined ? '-' : admitted.config ? 'c' : '+';
  }
  expect(errors.every((e) => e.code === 'INVALID_VIDEO_CONFIG')).toBe(true);
  return { out, stuck: gate.stuck, dropped: gate.dropped, errors: errors.length };
}

describe('VideoConfigGate', () => {
  it.each([
    ['nothing before the first parameter sets', 'PiPIPP', '---c++', false, 0, 0],
    ['a config once, then again only when it changes', 'IPIPJP', 'c+++c+', false, 0, 0],
    ['a bad SPS drops its keyframe and what depends on it; the good config stays', 'IPXPPIP', 'c+---++', false, 3, 1],
    ['stuck while waiting after a bad SPS', 'IPXP', 'c+--', true, 2, 1],
    ['a bad SPS reported each time it comes', 'XPXP', '----', true, 4, 2],
    ['an IDR without parameter sets resumes after a bad SPS', 'IXPiP', 'c--++', false, 2, 1],
  ])('%s: %s → %s', (_what, sequence, out, stuck, dropped, errors) => {
    expect(run(sequence)).toEqual({ out, stuck, dropped, errors });
  });
});
