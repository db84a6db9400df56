import type { CampaignStats } from './campaign.ts';
import { type FileCoverage, percent, sumRatios } from './coverage.ts';

export interface TargetResult {
  readonly stats: CampaignStats;
  readonly coverage: readonly FileCoverage[];
  /** The watchdog stopped the worker (an input never returned, or the heap limit was hit). */
  readonly stopped?: string;
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US');
const pct = (v: number): string => `${v.toFixed(1)}%`;

export function rate(stats: CampaignStats): number {
  return stats.elapsedMs > 0 ? (stats.inputs * 1000) / stats.elapsedMs : 0;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function progressLine(stats: CampaignStats): string {
  return (
    `  ${stats.target.padEnd(16)} ${n(stats.inputs).padStart(9)} inputs ${n(rate(stats)).padStart(8)}/s  ` +
    `crashes ${stats.crashes}  hangs ${stats.hangs}  outcomes ${n(stats.outcomes)}  corpus ${n(stats.corpus)}`
  );
}

export function summaryTable(results: readonly TargetResult[]): string {
  const rows = results.map(({ stats, coverage, stopped }) => {
    const functions = sumRatios(coverage.map((c) => c.functions));
    const lines = sumRatios(coverage.map((c) => c.lines));
    return [
      stats.target,
      n(stats.inputs),
      n(rate(stats)),
      String(stats.crashes),
      String(stats.hangs + (stopped === 'hang' ? 1 : 0)),
      String(stats.memory + (stopped === 'memory' ? 1 : 0)),
      coverage.length ? `${pct(percent(functions))} (${functions.covered}/${functions.total})` : '-',
      coverage.length ? `${pct(percent(lines))} (${lines.covered}/${lines.total})` : '-',
      n(stats.outcomes),
      `${stats.slowestMs.toFixed(1)}`,
      `${(stats.peakHeapBytes / 2 ** 20).toFixed(0)}`,
    ];
  });
  const total = results.reduce((a, r) => a + r.stats.inputs, 0);
  const ms = results.reduce((a, r) => a + r.stats.elapsedMs, 0);
  const sum = (f: (r: TargetResult) => number) => String(results.reduce((a, r) => a + f(r), 0));
  rows.push([
    'total',
    n(total),
    n(ms > 0 ? (total * 1000) / ms : 0),
    sum((r) => r.stats.crashes),
    sum((r) => r.stats.hangs + (r.stopped === 'hang' ? 1 : 0)),
    sum((r) => r.stats.memory + (r.stopped === 'memory' ? 1 : 0)),
    '',
    '',
    '',
    '',
    '',
  ]);
  return table(
    [
      'target',
      'inputs',
      'inputs/s',
      'crashes',
      'hangs',
      'memory',
      'functions',
      'lines',
      'outcomes',
      'slowest ms',
      'peak heap MiB',
    ],
    rows,
  );
}

/** 3, 4, 5, 9 → "3-5, 9". */
function lineRanges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j;
  }
  return out.join(', ');
}

/** Per file: the lines that never ran, to see what the generators and seeds do not reach. */
export function uncoveredLines(results: readonly TargetResult[]): string {
  return results
    .flatMap(({ stats, coverage }) =>
      coverage
        .filter((c) => c.uncoveredLines.length > 0)
        .map((c) => `${stats.target}  ${c.file}: ${lineRanges(c.uncoveredLines)}`),
    )
    .join('\n');
}

export function coverageTable(results: readonly TargetResult[]): string {
  const rows = results.flatMap(({ stats, coverage }) =>
    coverage.map((c) => [
      stats.target,
      c.file,
      `${pct(percent(c.functions))} (${c.functions.covered}/${c.functions.total})`,
      `${pct(percent(c.lines))} (${c.lines.covered}/${c.lines.total})`,
      c.uncoveredFunctions.slice(0, 6).join(', ') + (c.uncoveredFunctions.length > 6 ? ', …' : ''),
    ]),
  );
  return table(['target', 'file', 'functions', 'lines', 'functions never called'], rows);
}
