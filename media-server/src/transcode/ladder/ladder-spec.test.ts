import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER_SPEC, parseLadderJson, parseLadderSpec, planLadder } from './ladder-spec.ts';

describe('parseLadderSpec', () => {
  it('reads rungs, highest first; fps defaults to 30', () => {
    expect(parseLadderSpec('360p30:700, 720p60:4000,480p:1200')).toEqual([
      { name: '720p', height: 720, fps: 60, bitrateKbps: 4000 },
      { name: '480p', height: 480, fps: 30, bitrateKbps: 1200 },
      { name: '360p', height: 360, fps: 30, bitrateKbps: 700 },
    ]);
    expect(parseLadderSpec(DEFAULT_LADDER_SPEC).map((r) => r.name)).toEqual(['720p', '480p', '360p']);
  });

  it('`source` is no rungs', () => {
    expect(parseLadderSpec(' source ')).toEqual([]);
  });

  it.each([
    ['', /empty ladder/],
    ['720p30', /item 1 "720p30" is not/],
    ['720p30:2500,720p30:1000', /listed twice/],
    ['721p30:2500', /even integer/],
    ['480p200:1000', /fps 200/],
    ['480p30:10', /bitrate 10/],
    [Array.from({ length: 9 }, (_, i) => `${100 + 2 * i}p:500`).join(','), /at most 8/],
  ])('refuses %j', (text, message) => {
    expect(() => parseLadderSpec(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_LADDER_SPEC', message: expect.stringMatching(message) }),
    );
  });
});

describe('parseLadderJson', () => {
  it('reads the same rungs from JSON and checks them', () => {
    expect(
      parseLadderJson([
        { height: 360, bitrateKbps: 700 },
        { name: 'hd', height: 720, fps: 25, bitrateKbps: 2500 },
      ]),
    ).toEqual([
      { name: 'hd', height: 720, fps: 25, bitrateKbps: 2500 },
      { name: '360p', height: 360, fps: 30, bitrateKbps: 700 },
    ]);
    expect(() => parseLadderJson({})).toThrow(/JSON array/);
    expect(() => parseLadderJson([{ name: 'a b', height: 360, bitrateKbps: 700 }])).toThrow(/name "a b"/);
  });
});

describe('planLadder', () => {
  const spec = parseLadderSpec(DEFAULT_LADDER_SPEC);

  it('makes every rung under a 1080p source, widths at its aspect and even', () => {
    expect(
      planLadder(spec, { width: 1920, height: 1080, fps: 30 }).map((r) => [r.name, r.width, r.height, r.reduceFps]),
    ).toEqual([
      ['720p', 1280, 720, false],
      ['480p', 854, 480, false],
      ['360p', 640, 360, false],
    ]);
  });

  it('skips rungs at or above the source height: a 480p source gets only 360p', () => {
    expect(planLadder(spec, { width: 854, height: 480 }).map((r) => r.name)).toEqual(['360p']);
    expect(planLadder(spec, { width: 1280, height: 720 }).map((r) => r.name)).toEqual(['480p', '360p']);
    expect(planLadder(spec, { width: 320, height: 240 })).toEqual([]);
  });

  it('lowers the frame rate only below a faster source; keeps a 4:3 aspect', () => {
    const plan = planLadder(spec, { width: 1440, height: 1080, fps: 60 });
    expect(plan.map((r) => [r.width, r.reduceFps])).toEqual([
      [960, true],
      [640, true],
      [480, true],
    ]);
    expect(planLadder(spec, { width: 1920, height: 1080, fps: 29.97 }).every((r) => !r.reduceFps)).toBe(true);
  });
});
