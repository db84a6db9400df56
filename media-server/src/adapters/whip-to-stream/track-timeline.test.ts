import { describe, expect, it } from 'vitest';
import { TrackTimeline } from './track-timeline.ts';

/** One packet: its 32-bit RTP timestamp and when it arrived (wall ms). */
type Packet = readonly [rtpTimestamp: number, arrivalMs: number];

describe('TrackTimeline', () => {
  it.each<[string, number, number, readonly Packet[], readonly number[]]>([
    [
      'video from the origin: RTP steps, arrival jitter ignored',
      90_000,
      1000,
      [
        [5000, 1000],
        [8000, 1040],
        [11_000, 1060],
      ],
      [0, 3000, 6000],
    ],
    [
      'a track that starts 500 ms after the origin',
      90_000,
      1000,
      [
        [0, 1500],
        [3000, 1533],
      ],
      [45_000, 48_000],
    ],
    [
      'Opus 48 kHz rescaled to 90 kHz',
      48_000,
      0,
      [
        [100, 0],
        [1060, 20],
        [2020, 40],
      ],
      [0, 1800, 3600],
    ],
    [
      'a clock that wraps past 2^32',
      90_000,
      0,
      [
        [0xffff_f000, 0],
        [0xffff_f000 + 3000 - 0x1_0000_0000, 33],
      ],
      [0, 3000],
    ],
    [
      'a reordered packet goes back',
      90_000,
      0,
      [
        [9000, 0],
        [6000, 10],
      ],
      [0, -3000],
    ],
  ])('%s', (_what, clockRate, originMs, packets, expected) => {
    const timeline = new TrackTimeline(clockRate);
    expect(packets.map(([ts, at]) => timeline.to90k(ts, () => originMs, at))).toEqual(expected);
  });
});
