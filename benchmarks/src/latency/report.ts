/** Tables, charts and the JSON record of bench:latency. */
import type { TopLevelSpec } from 'vega-lite';
import { writeChart } from '../lib/chart.ts';
import type { Summary } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { StageBreakdown } from './join.ts';
import { SEED_BUDGET_MS, STAGE_METHODS, STAGES, type Stage } from './types.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface ViewerResult {
  /** e.g. "Glint · hls.js", "nginx-rtmp · Shaka". */
  readonly label: string;
  readonly server: string;
  readonly player: string;
  /** Stage by stage, for Glint's viewers (peers are measured glass to glass only). */
  readonly breakdown?: StageBreakdown | undefined;
  readonly total: Summary;
  readonly frames: number;
  readonly unreadable: number;
  readonly stalls: number;
  readonly freezesMs: readonly number[];
  readonly firstFrameMs?: number | undefined;
  readonly errors: readonly string[];
}

export interface PathResult {
  readonly path: string;
  readonly title: string;
  readonly net: string;
  readonly partMs?: number | undefined;
  readonly seconds: number;
  readonly viewers: readonly ViewerResult[];
  readonly notes: readonly string[];
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
const triple = (s: Summary | undefined) => (s && s.count > 0 ? `${f0(s.median)} / ${f0(s.p95)} / ${f0(s.max)}` : '—');

/** What each stage is called in a table: the stage ends at the stamp it is named by. */
export const STAGE_LABELS: Record<Stage, string> = {
  captured: 'captured',
  encoded: 'capture → encoded',
  ingested: '→ ingested (upload)',
  transcoded: '→ transcoded',
  packaged: '→ packaged / forwarded',
  delivered: '→ delivered (response done)',
  received: '→ received by player',
  decoded: '→ decoded',
  displayed: '→ displayed (buffer, decode, show)',
};

export function printPath(result: PathResult, method: string): void {
  const glint = result.viewers.filter((v) => v.breakdown);
  const used = new Set(glint.flatMap((v) => v.breakdown?.stages.map((s) => s.stage) ?? []));
  const stages = STAGES.filter((stage) => used.has(stage));
  const net = `${result.net}${result.partMs ? `, ${result.partMs} ms parts` : ''}, ${result.seconds} s`;
  printTable({
    title: `${result.title} (${net}): Glint stage by stage, ms p50 / p95 / max`,
    method,
    columns: ['stage', 'seed', ...glint.map((v) => v.label)],
    rows: [
      ...stages.map((stage) => [
        STAGE_LABELS[stage],
        SEED_BUDGET_MS[stage] !== undefined ? `~${SEED_BUDGET_MS[stage]}` : '',
        ...glint.map((v) => triple(v.breakdown?.stages.find((s) => s.stage === stage)?.summary)),
      ]),
      ['total, frames with every stamp', '', ...glint.map((v) => triple(v.breakdown?.joinedTotal))],
      ['glass to glass, all frames', `~${SEED_BUDGET_MS.total}`, ...glint.map((v) => triple(v.total))],
    ],
    notes: glint.map((v) =>
      v.frames > 0
        ? `${v.label}: ${v.breakdown?.joined ?? 0} of ${v.frames} frames carry every stamp (${v.breakdown?.stamps.join(', ')})`
        : `${v.label}: no frame presented in the window`,
    ),
  });
  const best = Math.min(...glint.map((v) => v.total.median).filter(Number.isFinite));
  printTable({
    title: `${result.title} (${net}): every viewer, Glint and peers in the same run`,
    method: 'glass to glass = display time (rVFC) − capture time read from the pixels of the same frame',
    columns: [
      'server · player',
      'frames',
      'p50 ms',
      'p95 ms',
      'max ms',
      'stalls',
      'freezes >200 ms',
      'first frame ms',
      '÷ Glint best',
    ],
    rows: result.viewers.map((v) => [
      v.label,
      String(v.frames),
      f0(v.total.median),
      f0(v.total.p95),
      f0(v.total.max),
      String(v.stalls),
      v.freezesMs.length > 0 ? `${v.freezesMs.length} (max ${f0(Math.max(...v.freezesMs))})` : '0',
      v.firstFrameMs !== undefined ? f0(v.firstFrameMs) : '—',
      Number.isFinite(best) && best > 0 ? (v.total.median / best).toFixed(2) : '—',
    ]),
    notes: [
      ...result.notes,
      ...result.viewers.filter((v) => v.errors.length > 0).map((v) => `${v.label}: ${v.errors.slice(0, 3).join('; ')}`),
      ...result.viewers
        .filter((v) => v.unreadable > 0)
        .map((v) => `${v.label}: ${v.unreadable} frames without a readable band`),
    ],
  });
}

/** A stacked bar per viewer: Glint's stages (medians) and each peer's total. */
export async function chartPath(result: PathResult, name: string): Promise<string> {
  const rows: Array<{ viewer: string; stage: string; order: number; ms: number }> = [];
  for (const v of result.viewers) {
    if (v.breakdown) {
      v.breakdown.stages.forEach((s, i) => {
        rows.push({ viewer: v.label, stage: STAGE_LABELS[s.stage], order: i, ms: Math.max(0, s.summary.median) });
      });
    } else if (Number.isFinite(v.total.median)) {
      rows.push({ viewer: v.label, stage: 'peer: glass to glass', order: 99, ms: v.total.median });
    }
  }
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: {
      text: `${result.title}: where the milliseconds go (p50 per stage)`,
      subtitle: `${result.net}${result.partMs ? `, ${result.partMs} ms parts` : ''}; ${new Date().toISOString().slice(0, 10)}`,
    },
    width: 560,
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'viewer', type: 'nominal', title: null, sort: null, axis: { labelLimit: 280 } },
      x: { field: 'ms', type: 'quantitative', title: 'ms (glass to glass)', stack: 'zero' },
      color: { field: 'stage', type: 'nominal', title: 'stage', sort: { field: 'order' }, legend: { labelLimit: 280 } },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [{ field: 'stage' }, { field: 'ms', format: '.0f' }],
    },
  };
  return writeChart(name, spec);
}

/** The part-size sweep: glass-to-glass p50 against stalls, one point per part size and player. */
export async function chartSweep(
  points: ReadonlyArray<{ partMs: number; player: string; p50Ms: number; stalls: number }>,
): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: { text: 'LL-HLS part size: latency against stalls', subtitle: new Date().toISOString().slice(0, 10) },
    width: 420,
    height: 260,
    data: { values: [...points] },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'partMs', type: 'quantitative', title: 'part target (ms)' },
          y: { field: 'p50Ms', type: 'quantitative', title: 'glass to glass p50 (ms)' },
          color: { field: 'player', type: 'nominal', legend: { labelLimit: 280 } },
        },
      },
      {
        mark: { type: 'text', dy: -10 },
        encoding: {
          x: { field: 'partMs', type: 'quantitative' },
          y: { field: 'p50Ms', type: 'quantitative' },
          text: { field: 'stalls', type: 'quantitative', format: 'd' },
          color: { field: 'player', type: 'nominal' },
        },
      },
    ],
  };
  return writeChart('latency-part-sweep', spec);
}

export const STAMP_METHOD = Object.entries(STAGE_METHODS)
  .map(([stage, how]) => `${stage}: ${how}`)
  .join('\n  ');
