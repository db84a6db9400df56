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
});
