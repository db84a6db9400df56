import { describe, expect, it } from 'vitest';
import { LadderLoad } from './ladder-load.ts';

describe('LadderLoad', () => {
  it('sheds only after the lag stays over the limit for the whole period', () => {
    const load = new LadderLoad({ maxLagMs: 1500, forMs: 3000 });
    load.reset(0);
    expect(load.sample(1000, 2000, 1000)).toBe(false); // 1 s behind: fine
    expect(load.sample(2000, 4000, 2000)).toBe(false); // 2 s behind: the clock starts
    expect(load.sample(4000, 6000, 2500)).toBe(false); // 3.5 s behind for 2 s
    expect(load.sample(4500, 6500, 6000)).toBe(false); // caught up: reset
    expect(load.sample(5000, 9000, 6000)).toBe(false);
    expect(load.sample(8000, 12_000, 7000)).toBe(true); // over for 3 s
  });

  it('does not shed a run that is catching up after a slow start, only one whose lag stops shrinking', () => {
    const load = new LadderLoad({ maxLagMs: 1500, forMs: 3000 });
    load.reset(0);
    // ffmpeg took 2.5 s to start: the input queued meanwhile drains at 1.2x real time.
    let output = 0;
    let shed = false;
    for (let t = 2500; t <= 14_000; t += 100) {
      output += 120;
      shed ||= load.sample(t, t, output);
    }
    expect(shed).toBe(false);
    // Then it runs at 0.9x: the lag grows past the limit and stays there.
    const lagged = new LadderLoad({ maxLagMs: 1500, forMs: 3000 });
    lagged.reset(0);
    output = 0;
    let shedAt: number | undefined;
    for (let t = 100; t <= 30_000 && shedAt === undefined; t += 100) {
      output += 90;
      if (lagged.sample(t, t, output)) shedAt = t;
    }
    // Over 1.5 s behind at 15 s, shed 3 s later.
    expect(shedAt).toBeGreaterThanOrEqual(18_000);
    expect(shedAt).toBeLessThan(19_000);
  });

  it('measures rung media per wall second', () => {
    const load = new LadderLoad({});
    load.reset(0);
    expect(load.realtimeFactor).toBe(0);
    for (let t = 250; t <= 4000; t += 250) load.sample(t, t, t / 2);
    expect(load.realtimeFactor).toBeCloseTo(0.5, 2);
  });
});
