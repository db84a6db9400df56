/**
 * The proof that bench:ladder's harness runs end to end (the measurement itself is the benchmark command): a tiny
 * configuration (a 360p source, one 240p rung, one channel of each method, 2 s windows) fills every figure.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../lib/scratch.ts';
import { runLadderBench } from './bench.ts';
import { verdict } from './report.ts';

const scratch = new Scratch();
afterAll(() => scratch.cleanUp());

describe('bench:ladder harness', () => {
  it("measures Glint's ladder and the one-ffmpeg-per-rung peer: CPU, real-time factor, lag, the ladder's stage", async () => {
    const result = await runLadderBench({
      scratch,
      source: { width: 640, height: 360, fps: 30, videoKbps: 800, seconds: 2 },
      rungs: [{ name: '240p', height: 240, fps: 30, bitrateKbps: 400 }],
      maxLadders: 1,
      maxPeers: 1,
      timing: { warmMs: 1000, windowMs: 2000 },
      step: () => ({ update: () => {}, done: () => {} }),
    });
    expect(result.runs.map((r) => [r.method, r.count])).toEqual([
      ['glint', 1],
      ['peer', 1],
    ]);
    for (const run of result.runs) {
      const [channel] = run.channels;
      expect(channel?.trouble, run.method).toBeUndefined();
      // Machine-dependent figures: present and plausible, not tight (a busy two-core box).
      expect(channel?.cores, run.method).toBeGreaterThan(0);
      expect(channel?.cores, run.method).toBeLessThan(4);
      expect(channel?.realtimeFactor, run.method).toBeGreaterThan(0.5);
      expect(Number.isFinite(channel?.lagMaxMs), run.method).toBe(true);
    }
    expect(result.runs[0]?.channels[0]?.latencyP50Ms).toBeGreaterThan(0);
    expect(verdict(result).ratio).toBeGreaterThan(0);
  }, 60_000);
});
