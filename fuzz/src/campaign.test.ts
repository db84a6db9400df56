import { describe, expect, it } from 'vitest';
import { type Finding, runCampaign } from './campaign.ts';
import { seedsFor } from './corpus.ts';
import { TARGETS } from './targets/index.ts';

/**
 * A short campaign per target with a fixed seed, so CI catches a parser change that throws an untyped error on
 * inputs near the seeds. `npm run fuzz` is the long run. Each target stops at 3,000 inputs or 0.5 s, whichever
 * comes first, so the file stays under 5 s on a busy machine.
 */
describe('every fuzz target, up to a few thousand inputs', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: no crash, hang or unbounded memory', (_name, target) => {
    const findings: Finding[] = [];
    const stats = runCampaign({
      target,
      seeds: seedsFor(target.name),
      maxInputs: 3000,
      durationMs: 500,
      seed: 15,
      inputBudgetMs: 250,
      heapLimitBytes: 512 * 2 ** 20,
      onFinding: (f) => findings.push(f),
    });
    const found = findings.map((f) => `${f.kind}: ${f.summary}\n${Buffer.from(f.input).toString('hex').slice(0, 400)}`);
    expect(found).toEqual([]);
    expect(stats.inputs).toBeGreaterThanOrEqual(100);
    expect(stats.outcomes).toBeGreaterThan(1);
  });
});
