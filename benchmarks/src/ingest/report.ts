import { writeChart } from '../lib/chart.ts';
import { quantileSorted, type Summary, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { CpuRun, GlintDelayRun } from './glint.ts';
import type { PeerDelayRun } from './peer.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface DelaySeries {
  readonly label: string;
  readonly valuesMs: readonly number[];
}

export function delaySeries(glint: readonly GlintDelayRun[], peer: PeerDelayRun, peerLabel: string): DelaySeries[] {
  const series: DelaySeries[] = [];
  for (const run of glint) {
    const t = `Glint ${run.partTargetMs} ms parts`;
    series.push({ label: `${t}: access unit → its part listed`, valuesMs: run.auDelaysMs });
    series.push({ label: `${t}: part's first AU → part listed`, valuesMs: run.partDelaysMs });
    series.push({ label: `${t}: part's first AU → blocking request answered`, valuesMs: run.clientDelaysMs });
  }
  series.push({ label: `${peerLabel}: access unit → its segment listed`, valuesMs: peer.auDelaysMs });
  return series;
}

export function printDelays(series: readonly DelaySeries[], method: string, notes: readonly string[]): Summary[] {
  const summaries = series.map((s) => summarize(s.valuesMs));
  const peer = summaries[summaries.length - 1]?.median ?? Number.NaN;
  printTable({
    title: 'Ingest → playlist delay, one 1280x720 30 fps H.264 + AAC stream (ms; lower is better)',
    method,
    columns: ['measure', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'peer p50 ÷ p50'],
    rows: series.map((s, i) => {
      const m = summaries[i] as Summary;
      return [s.label, String(m.count), m.median, m.p95, m.p99, m.max, peer / m.median];
    }),
    notes,
  });
  return summaries;
}

/** A CDF per series, as at most ~200 quantile points each. */
export async function chartDelays(series: readonly DelaySeries[], subtitle: string): Promise<string> {
  const values = series.flatMap((s) => {
    const sorted = [...s.valuesMs].sort((a, b) => a - b);
    return Array.from({ length: 201 }, (_, i) => ({
      series: s.label,
      ms: quantileSorted(sorted, i / 200),
      fraction: i / 200,
    }));
  });
  return writeChart('ingest-delay-cdf', {
    $schema: SCHEMA,
    title: { text: 'Ingest → playlist delay per access unit (CDF)', subtitle },
    width: 620,
    height: 320,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'delay (ms)', scale: { type: 'symlog', constant: 50 } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of access units / parts' },
      color: {
        field: 'series',
        type: 'nominal',
        sort: null,
        legend: { orient: 'bottom', columns: 1, labelLimit: 600 },
      },
    },
  });
}

export interface CpuRow {
  readonly server: string;
  readonly run: CpuRun;
  /** The peer's run with as many streams, for the ratio. */
  readonly peer?: CpuRun;
}

/** CPU each stream beyond the first adds: (4 streams' total − 1 stream's total) / 3, in % of a core. */
export function marginalPct(one: CpuRun, many: CpuRun): number {
  const total = (run: CpuRun) => (run.cpu.cpuMs / run.cpu.windowMs) * 100;
  return (total(many) - total(one)) / (many.streams - one.streams);
}

export function perStreamPct(run: CpuRun): number {
  return (run.cpu.cpuMs / run.cpu.windowMs / run.streams) * 100;
}

export function printCpu(rows: readonly CpuRow[], method: string, notes: readonly string[]): void {
  printTable({
    title: 'CPU per ingested stream (% of one core; lower is better)',
    method,
    columns: [
      'server',
      'streams',
      'window s',
      '% core/stream',
      'min 5-s',
      'median 5-s',
      'max 5-s',
      'outputs/s/str',
      'this ÷ peer',
    ],
    rows: rows.map(({ server, run, peer }) => {
      const slices = summarize(run.cpu.slices.map((s) => (s * 100) / run.streams));
      return [
        server,
        String(run.streams),
        run.cpu.windowMs / 1000,
        perStreamPct(run),
        slices.min,
        slices.median,
        slices.max,
        run.outputsPerSecPerStream,
        peer ? perStreamPct(run) / perStreamPct(peer) : '—',
      ];
    }),
    notes,
  });
}

export async function chartCpu(rows: readonly CpuRow[], subtitle: string): Promise<string> {
  const values = rows.map(({ server, run }) => ({
    server,
    streams: `${run.streams} stream${run.streams > 1 ? 's' : ''}`,
    pct: perStreamPct(run),
  }));
  return writeChart('ingest-cpu', {
    $schema: SCHEMA,
    title: { text: 'CPU per ingested stream, % of one core (lower is better)', subtitle },
    data: { values },
    facet: { row: { field: 'streams', type: 'nominal', title: null } },
    spec: {
      width: 520,
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'server', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
            x: { field: 'pct', type: 'quantitative', title: '% of one core per stream' },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4 },
          encoding: {
            y: { field: 'server', type: 'nominal', sort: null },
            x: { field: 'pct', type: 'quantitative' },
            text: { field: 'pct', type: 'quantitative', format: '.2f' },
          },
        },
      ],
    },
  });
}
