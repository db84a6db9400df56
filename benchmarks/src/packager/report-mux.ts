import { writeChart } from '../lib/chart.ts';
import { type Summary, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';

export interface MuxRow {
  readonly name: string;
  /** CPU ms per second of media, one value per run. */
  readonly perMediaSecMs: readonly number[];
}

export interface MuxReport {
  readonly method: string;
  readonly mediaLabel: string;
  readonly rows: readonly MuxRow[];
}

/** Prints the muxing table (ratios against the first row) and writes its bar chart. */
export async function reportMux(report: MuxReport): Promise<{ summaries: Record<string, Summary>; chart: string }> {
  const summaries: Record<string, Summary> = {};
  for (const row of report.rows) summaries[row.name] = summarize(row.perMediaSecMs);
  const base = summaries[report.rows[0]?.name ?? '']?.median ?? Number.NaN;
  printTable({
    title: `Muxing cost — CPU per second of media, ${report.mediaLabel}`,
    method: report.method,
    columns: ['muxer', 'runs', 'median ms/s', 'p95 ms/s', 'min ms/s', '% core @1x', 'row 1 ÷ this'],
    rows: report.rows.map((row) => {
      const s = summaries[row.name] as Summary;
      return [row.name, String(s.count), s.median, s.p95, s.min, s.median / 10, base / s.median];
    }),
  });
  const chart = await writeChart('packager-mux-cpu', {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'CPU per second of media (median, lower is better)', subtitle: report.mediaLabel },
    width: 520,
    data: {
      values: report.rows.map((row) => ({ muxer: row.name, ms: (summaries[row.name] as Summary).median })),
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'muxer', type: 'nominal', sort: null, title: null, axis: { labelLimit: 480 } },
          x: { field: 'ms', type: 'quantitative', title: 'ms CPU per media second' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: 'muxer', type: 'nominal', sort: null },
          x: { field: 'ms', type: 'quantitative' },
          text: { field: 'ms', type: 'quantitative', format: '.2f' },
        },
      },
    ],
  });
  return { summaries, chart };
}
