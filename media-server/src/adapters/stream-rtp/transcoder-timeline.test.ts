import { describe, expect, it } from 'vitest';
import { TranscoderTimeline } from './transcoder-timeline.ts';

/** One run: the media times of its inputs, then the relative ticks of the packets it sent. */
interface Run {
  readonly inputs: readonly number[];
  readonly packets: readonly number[];
}

describe('TranscoderTimeline', () => {
  it.each<[string, number, readonly Run[], readonly number[]]>([
    [
      'one run starts at its first input',
      960,
      [{ inputs: [48_000, 49_024], packets: [0, 960, 1920] }],
      [48_000, 48_960, 49_920],
    ],
    ['a run with no input noted starts at 0', 960, [{ inputs: [], packets: [0, 960] }], [0, 960]],
    [
      'a later run starts at its own first input when that lies ahead',
      960,
      [
        { inputs: [0], packets: [0, 960] },
        { inputs: [96_000], packets: [0, 960] },
      ],
      [0, 960, 96_000, 96_960],
    ],
    [
      'a later run whose input lies behind starts one step after the last packet',
      960,
      [
        { inputs: [0], packets: [0, 960, 1920] },
        { inputs: [960], packets: [0, 960] },
      ],
      [0, 960, 1920, 2880, 3840],
    ],
    [
      'video: a restart at the same pts moves one frame on',
      3000,
      [
        { inputs: [90_000], packets: [0, 3000] },
        { inputs: [93_000], packets: [0] },
      ],
      [90_000, 93_000, 96_000],
    ],
  ])('%s', (_what, minStep, runs, expected) => {
    const timeline = new TranscoderTimeline(minStep);
    const placed: number[] = [];
    for (const run of runs) {
      timeline.startRun();
      for (const input of run.inputs) timeline.noteInput(input);
      for (const relative of run.packets) placed.push(timeline.place(relative));
    }
    expect(placed).toEqual(expected);
  });

  it('places a run once: inputs noted after its first packet change nothing', () => {
    const timeline = new TranscoderTimeline(960);
    timeline.startRun();
    expect(timeline.place(0)).toBe(0);
    timeline.noteInput(48_000);
    expect(timeline.place(960)).toBe(960);
  });
});
