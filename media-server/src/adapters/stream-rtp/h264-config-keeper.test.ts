import type { H264Config } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import type { WebRtcBridgeError } from '../../transcode/errors.ts';
import { H264ConfigKeeper, profileLevelIdOf } from './h264-config-keeper.ts';

/** x264's baseline 320x240 parameter sets. */
const SPS = Uint8Array.from([
  0x67, 0x42, 0xc0, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0, 0, 3, 0, 0x10, 0, 0, 3, 0x03, 0xc0, 0xf1, 0x42, 0xa4,
  0x80,
]);
const PPS = Uint8Array.from([0x68, 0xcb, 0x83, 0xcb, 0x20]);
const BAD_SPS = Uint8Array.from([0x67, 0x42]);
const good: H264Config = { codec: 'h264', sps: [SPS], pps: [PPS] };
const bad: H264Config = { codec: 'h264', sps: [BAD_SPS], pps: [PPS] };
const none: H264Config = { codec: 'h264', sps: [], pps: [PPS] };

describe('H264ConfigKeeper', () => {
  it.each<[string, readonly H264Config[], H264Config | null, number]>([
    ['keeps a good config', [good], good, 0],
    ['drops a bad one and reports it', [bad], null, 1],
    ['drops a config without SPS', [none], null, 1],
    ['keeps the last good config when a bad one comes', [good, bad], good, 1],
    ['reports bad configs once in a row', [bad, bad, none], null, 1],
    ['reports again after a good one came between', [bad, good, bad], good, 2],
  ])('%s', (_what, configs, kept, reports) => {
    const errors: WebRtcBridgeError[] = [];
    const keeper = new H264ConfigKeeper((e) => errors.push(e));
    for (const config of configs) keeper.set(config);
    expect(keeper.config).toBe(kept);
    expect(errors).toHaveLength(reports);
    expect(errors.every((e) => e.code === 'INVALID_VIDEO_CONFIG')).toBe(true);
  });

  it.each([
    ['SPS and PPS', [SPS, PPS, Uint8Array.of(0x65, 0x88)], true],
    ['SPS only', [SPS, Uint8Array.of(0x65, 0x88)], false],
    ['PPS only', [PPS, Uint8Array.of(0x65, 0x88)], false],
  ])('takes in-band parameter sets from a keyframe with %s: %s', (_what, nals, taken) => {
    const keeper = new H264ConfigKeeper(() => {});
    keeper.takeInBand(nals);
    expect(keeper.config).toEqual(taken ? { codec: 'h264', sps: [SPS], pps: [PPS] } : null);
  });

  it('reads profile-level-id from the SPS', () => {
    expect(profileLevelIdOf(SPS)).toBe('42c00d');
    expect(() => profileLevelIdOf(BAD_SPS)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CODEC' }));
  });
});
