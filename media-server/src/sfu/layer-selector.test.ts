import { describe, expect, it } from 'vitest';
import { LAYER_SELECTOR_DEFAULTS, LayerSelector, rankLayers } from './layer-selector.ts';

const LAYERS = [
  { id: '240p', bitrateKbps: 300 },
  { id: 'source', bitrateKbps: 2500 },
  { id: '480p', bitrateKbps: 1000 },
];

/** Feeds estimates (kbit/s) every `stepMs` and returns the layer chosen after each, the choice taken at once. */
function run(selector: LayerSelector, start: string | null, estimates: readonly number[], stepMs = 250): string[] {
  let current = start;
  return estimates.map((kbps, i) => {
    selector.estimate(kbps, i * stepMs);
    current = selector.choose(LAYERS, current, i * stepMs);
    return current ?? '';
  });
}

describe('LayerSelector', () => {
  it('ranks layers by bitrate, one of unknown rate first', () => {
    expect(rankLayers([...LAYERS, { id: 'x', bitrateKbps: 0 }]).map((l) => l.id)).toEqual([
      'x',
      'source',
      '480p',
      '240p',
    ]);
  });

  it('starts on the highest layer without an estimate, on the highest the estimate carries with one', () => {
    expect(new LayerSelector().choose(LAYERS, null, 0)).toBe('source');
    const s = new LayerSelector();
    s.estimate(1200, 0);
    expect(s.choose(LAYERS, null, 0)).toBe('480p');
    s.estimate(100, 0);
    expect(s.choose(LAYERS, null, 0)).toBe('240p');
  });

  it('goes down only after the estimate stayed under 1.1 × the layer for a second, to what it carries', () => {
    const s = new LayerSelector({ downHeadroom: 1.1, downHoldMs: 1000 });
    // 2,600 < 1.1 × 2,500: under, but a blip of half a second back over resets the hold.
    const chosen = run(s, 'source', [5000, 2600, 2600, 3000, 2600, 2600, 2600, 2600, 1200, 1200]);
    expect(chosen).toEqual([
      'source',
      'source',
      'source',
      'source',
      'source',
      'source',
      'source',
      'source',
      '480p',
      '480p',
    ]);
    // At 1,000 ms under (from 1,000 ms to 2,000 ms), to the highest layer 1.1 × under the estimate at that moment.
  });

  it('goes up one layer only after the estimate carried 1.3 × the next for 4 s (hysteresis)', () => {
    const s = new LayerSelector();
    const up = 1.3 * 1000;
    const chosen = run(s, '240p', [...Array(16).fill(up), up - 1, ...Array(17).fill(10_000)], 250);
    // 16 samples = 3.75 s: not yet; one under resets; then 16 more samples (4 s) at a high estimate go one layer up.
    expect(chosen.slice(0, 17).every((c) => c === '240p')).toBe(true);
    const firstUp = chosen.indexOf('480p');
    expect(firstUp).toBe(17 + 16);
    expect(chosen).not.toContain('source');
  });

  it('does not flip between two layers on an estimate between the two thresholds', () => {
    const s = new LayerSelector();
    expect(LAYER_SELECTOR_DEFAULTS).toMatchObject({ downHeadroom: 1, downHoldMs: 1500, carryHeadroom: 1.1 });
    // 1,200: under 1.1 × 2,500 (down from source) and under 1.3 × 2,500 (no way back up).
    const chosen = run(s, 'source', Array(100).fill(1200));
    expect(new Set(chosen.slice(10))).toEqual(new Set(['480p']));
  });

  it('keeps a manual pick while the source has it, automatic otherwise', () => {
    const s = new LayerSelector({}, '240p');
    s.estimate(100_000, 0);
    expect(s.choose(LAYERS, 'source', 0)).toBe('240p');
    expect(
      s.choose(
        LAYERS.filter((l) => l.id !== '240p'),
        'source',
        0,
      ),
    ).toBe('source');
    s.manual = null;
    expect(s.choose(LAYERS, '240p', 0)).toBe('240p');
  });

  it('moves a viewer whose layer ended to what its estimate carries, and ignores a stale estimate', () => {
    const s = new LayerSelector();
    s.estimate(1500, 0);
    expect(s.choose(LAYERS, 'gone', 100)).toBe('480p');
    expect(s.choose(LAYERS, 'gone', 60_000)).toBe('source');
    expect(s.choose([], 'source', 0)).toBeNull();
  });

  it('takes loss over 10 % as a cap under the current layer, REMB or not, and ignores lesser loss', () => {
    const s = new LayerSelector();
    // 30 % lost on the source (2,500): the estimate is capped at 2,500 × 0.85 = 2,125 < 1.1 × 2,500, and after the
    // hold the viewer goes to the highest layer that carries: 480p (1.1 × 1,000 ≤ 2,125).
    let current = 'source';
    for (let t = 0; t <= 2000; t += 250) {
      s.loss(0.3, t);
      current = s.choose(LAYERS, current, t) ?? '';
    }
    expect(current).toBe('480p');
    const calm = new LayerSelector();
    calm.estimate(10_000, 0);
    for (let t = 0; t <= 3000; t += 250) {
      calm.loss(0.05, t);
      expect(calm.choose(LAYERS, 'source', t)).toBe('source');
    }
  });

  it('starts a hold again after a time without feedback', () => {
    const s = new LayerSelector({ staleAfterMs: 1000 });
    s.loss(0.5, 0);
    expect(s.choose(LAYERS, 'source', 0)).toBe('source');
    s.loss(0, 500);
    expect(s.choose(LAYERS, 'source', 500)).toBe('source');
    // Under again 2 s after the first sample: a new hold, not one that began at 0.
    s.estimate(1200, 2000);
    expect(s.choose(LAYERS, 'source', 2000)).toBe('source');
    s.estimate(1200, 2500);
    expect(s.choose(LAYERS, 'source', 2500)).toBe('source');
    s.estimate(1200, 3600);
    expect(s.choose(LAYERS, 'source', 3600)).toBe('480p');
  });

  it('never judges a layer of unknown rate too high', () => {
    const s = new LayerSelector();
    const layers = [{ id: 'source', bitrateKbps: 0 }, ...LAYERS.filter((l) => l.id !== 'source')];
    for (let t = 0; t < 5000; t += 250) {
      s.estimate(10, t);
      expect(s.choose(layers, 'source', t)).toBe('source');
    }
  });

  describe('on receiver reports read against what was sent (queue, delivered rate)', () => {
    const report = (
      queueDelayMs: number,
      deliveredKbps: number | null,
      sentAtMs: number,
      fractionLost = 0,
      queueGrowth: number | null = 0,
    ) => ({ sentAtMs, queueDelayMs, deliveredKbps, fractionLost, queueGrowth });

    it('moves down at once on a growing queue, to what the link delivers; the old layer draining does not count', () => {
      const s = new LayerSelector();
      expect(s.choose(LAYERS, 'source', 0)).toBe('source');
      s.started('source', 0);
      s.report(report(5, 2500, 100), 200);
      expect(s.choose(LAYERS, 'source', 200)).toBe('source');
      // One report 350 ms behind on a link delivering 1,400 kbit/s: 480p (1.1 × 1,000 ≤ 1,400), no hold.
      s.report(report(350, 1400, 500, 0, 0.4), 900);
      expect(s.choose(LAYERS, 'source', 900)).toBe('480p');
      // Waiting for 480p's keyframe, the source's packets still queue: not 480p's doing.
      s.report(report(600, 1400, 800, 0.3, 0.5), 1200);
      expect(s.choose(LAYERS, '480p', 1200)).toBe('480p');
      s.started('480p', 1500);
      // 480p's packets behind the drain: the queue falls.
      for (let t = 1600, q = 500; t < 3000; t += 100, q -= 30) {
        s.report(report(Math.max(0, q), 1400, t - 50, 0, -0.3), t);
        expect(s.choose(LAYERS, '480p', t)).toBe('480p');
      }
    });

    it('needs two growing measures for a queue under the fast threshold; a brief queue that drains is no reason', () => {
      const s = new LayerSelector();
      s.choose(LAYERS, 'source', 0);
      s.started('source', 0);
      // A keyframe's burst queues 200 ms, then drains.
      s.report(report(200, 2600, 100, 0, 0.2), 300);
      s.report(report(0, 2500, 500, 0, -0.3), 900);
      expect(s.choose(LAYERS, 'source', 900)).toBe('source');
      // Growing, but measured once (reports within one span do not count twice).
      s.report(report(150, 1800, 1000, 0, 0.2), 1500);
      s.report(report(160, 1800, 1100, 0, null), 1520);
      expect(s.choose(LAYERS, 'source', 1520)).toBe('source');
      s.report(report(200, 1800, 1300, 0, 0.1), 1800);
      expect(s.choose(LAYERS, 'source', 1800)).toBe('480p');
    });

    it('takes a full queue that drops packets as over, though it no longer grows', () => {
      const s = new LayerSelector();
      s.choose(LAYERS, 'source', 0);
      s.started('source', 0);
      s.report(report(240, 1500, 100, 0.3, 0), 300);
      s.report(report(240, 1500, 200, 0.3, null), 400);
      expect(s.choose(LAYERS, 'source', 400)).toBe('480p');
    });

    it('stays on the layer it moved down to while the link delivers its rate, though REMB and loss say lower', () => {
      const s = new LayerSelector();
      s.choose(LAYERS, 'source', 0);
      s.started('source', 0);
      s.report(report(350, 1400, 500, 0, 0.4), 900);
      expect(s.choose(LAYERS, 'source', 900)).toBe('480p');
      s.started('480p', 1500);
      for (let t = 1600; t < 6000; t += 100) {
        s.estimate(800, t);
        s.report(report(Math.max(0, 400 - (t - 1600) / 5), 1300, t - 50, 0.15, -0.2), t);
        expect(s.choose(LAYERS, '480p', t)).toBe('480p');
      }
    });

    it('reads only the loss of a report with the queue signal off', () => {
      const s = new LayerSelector({ queueSignal: false, trialAfterMs: 8000 });
      s.choose(LAYERS, 'source', 0);
      s.started('source', 0);
      s.report(report(900, 500, 100), 200);
      expect(s.choose(LAYERS, 'source', 200)).toBe('source');
      s.choose(LAYERS, '480p', 300);
      s.started('480p', 300);
      for (let t = 300; t < 20_000; t += 500) {
        s.report(report(0, 1000, t - 10, 0.2), t);
        expect(s.choose(LAYERS, '480p', t)).not.toBe('source');
      }
    });

    it('keeps a layer its link carries cleanly even when REMB is under it', () => {
      const s = new LayerSelector({ trialAfterMs: 0 });
      s.choose(LAYERS, 'source', 0);
      s.started('source', 0);
      for (let t = 0; t < 5000; t += 250) {
        s.estimate(1500, t);
        s.report(report(3, 2500, t - 10), t);
        expect(s.choose(LAYERS, 'source', t)).toBe('source');
      }
    });

    it('tries the next layer up after a clear spell; a queue sends it back at once and doubles the wait', () => {
      const s = new LayerSelector();
      expect(LAYER_SELECTOR_DEFAULTS.trialAfterMs).toBe(8000);
      s.choose(LAYERS, '480p', 0);
      s.started('480p', 0);
      let t = 0;
      const clearUntil = (endMs: number, layer: string) => {
        let chosen = layer;
        for (; t < endMs && chosen === layer; t += 250) {
          s.report(report(2, 1000, t - 10), t);
          chosen = s.choose(LAYERS, layer, t) ?? '';
        }
        return chosen;
      };
      expect(clearUntil(7900, '480p')).toBe('480p');
      expect(clearUntil(8500, '480p')).toBe('source');
      const firstTrialMs = t - 250;
      expect(firstTrialMs).toBeGreaterThanOrEqual(8000);
      s.started('source', t);
      s.report(report(400, 1500, t + 100, 0, 0.5), t + 300);
      expect(s.choose(LAYERS, 'source', t + 300)).toBe('480p');
      t += 500;
      s.started('480p', t);
      const backAt = t;
      expect(clearUntil(backAt + 15_500, '480p')).toBe('480p');
      expect(clearUntil(backAt + 17_000, '480p')).toBe('source');
      // This trial holds for 3 s: the wait is back to 8 s for the next one (from source there is none).
      s.started('source', t);
      expect(clearUntil(t + 3500, 'source')).toBe('source');
    });
  });
});
