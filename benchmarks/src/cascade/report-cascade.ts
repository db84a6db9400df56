/** Table and chart of bench:cascade. */
import { writeChart } from '../lib/chart.ts';
import { quantileSorted, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { CascadeRun } from './run-cascade.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** The goal: a viewer on an edge within this many ms (p50) of a viewer on the origin. */
export const GOAL_EXTRA_P50_MS = 10;

export function printCascade(runs: readonly CascadeRun[], method: string): void {
  const rows = runs.flatMap((r) => {
    const origin = summarize(r.origin.map((s) => s.latencyMs));
    const edge = summarize(r.edge.map((s) => s.latencyMs));
    const extra = summarize(r.extraMs);
    return [
      [
        `origin viewer (during the ${r.edgeEngine} run)`,
        origin.count,
        origin.median,
        origin.p95,
        '—',
        '—',
        '—',
        r.originState.packetsLost,
      ],
      [
        `edge viewer (${r.edgeEngine} edge)`,
        edge.count,
        edge.median,
        edge.p95,
        extra.median,
        extra.mean,
        extra.p95,
        r.edgeState.packetsLost,
      ],
    ];
  });
  printTable({
    title: 'Glass-to-glass through an SFU cascade: origin viewer vs edge viewer, same frames (Chromium)',
    method,
    columns: ['viewer', 'frames', 'p50 ms', 'p95 ms', 'edge − origin p50', 'mean', 'p95', 'lost'],
    rows,
    notes: runs.map((r) => {
      const extra = summarize(r.extraMs);
      return `${r.edgeEngine} edge: ${r.extraMs.length} frames seen by both (display times come in vsync steps of ~16.7 ms, so the per-frame difference is 0 or a step; the mean is the finer figure, ${extra.mean.toFixed(1)} ms); the edge viewer is ${extra.median.toFixed(1)} ms (p50) behind the origin viewer, goal ≤ ${GOAL_EXTRA_P50_MS} ms: ${extra.median <= GOAL_EXTRA_P50_MS ? 'met' : 'NOT met'}; its first frame came ${r.edgeFirstFrameMs.toFixed(0)} ms after its offer (the edge pulled the channel on that offer); clock skew between tabs ${r.clockSkewMs.toFixed(1)} ms.`;
    }),
  });
}

export async function chartCascade(runs: readonly CascadeRun[], subtitle: string): Promise<string> {
  const values = runs.flatMap((r) => {
    const series = [
      { path: `origin viewer (${r.edgeEngine} run)`, ms: r.origin.map((s) => s.latencyMs) },
      { path: `edge viewer (${r.edgeEngine} edge)`, ms: r.edge.map((s) => s.latencyMs) },
    ];
    return series.flatMap(({ path, ms }) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return Array.from({ length: 201 }, (_, i) => ({ path, ms: quantileSorted(sorted, i / 200), fraction: i / 200 }));
    });
  });
  return writeChart('cascade-latency-cdf', {
    $schema: SCHEMA,
    title: { text: 'Glass-to-glass per frame: a viewer on the origin SFU vs one on an edge SFU (CDF)', subtitle },
    width: 560,
    height: 300,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'display time − paint time (ms)' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of frames' },
      color: { field: 'path', type: 'nominal', legend: { orient: 'top', title: null, labelLimit: 400, columns: 2 } },
    },
  });
}
