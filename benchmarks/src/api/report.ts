/** Tables and charts of bench:api. */
import { writeChart } from '../lib/chart.ts';
import type { Summary } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { AdmissionRun } from './admission.ts';
import type { LoadRun } from './load.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const GOAL_ADMIT_P99_MS = 5;

export interface ReadRow {
  readonly endpoint: string;
  readonly server: string;
  readonly run: LoadRun;
  /** The peer's run on the same endpoint, for the ratio (absent on the peer's own row). */
  readonly peer?: LoadRun;
}

export function printReads(rows: readonly ReadRow[], method: string, notes: readonly string[]): void {
  printTable({
    title: 'API hot reads over HTTP on loopback (higher req/s, lower latency are better)',
    method,
    columns: [
      'endpoint',
      'server',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'server CPU %',
      'CPU ms/req',
      'load-gen CPU %',
      'non-2xx/err',
      'req/s ÷ peer',
    ],
    rows: rows.map(({ endpoint, server, run, peer }) => {
      const { load } = run;
      return [
        endpoint,
        server,
        load.requestsPerSec,
        load.latencyMs.median,
        load.latencyMs.p95,
        load.latencyMs.p99,
        load.latencyMs.max,
        run.serverCpuPct,
        cpuMsPerRequest(run),
        load.loadGenCpuPct,
        `${load.non2xx}/${load.errors}`,
        peer ? load.requestsPerSec / peer.load.requestsPerSec : '—',
      ];
    }),
    notes,
  });
}

/** CPU of the server process per reply under load, ms. */
export function cpuMsPerRequest(run: LoadRun): number {
  return (run.serverCpuPct / 100 / run.load.requestsPerSec) * 1000;
}

export interface QueryRow {
  readonly endpoint: string;
  readonly server: string;
  /** The route's database work alone, sequential, in-process. */
  readonly queriesMs: Summary;
  readonly run: LoadRun;
  readonly peer: LoadRun;
}

export function printQueries(rows: readonly QueryRow[], method: string, notes: readonly string[]): void {
  printTable({
    title: "Where a read's time goes: the route's queries alone vs the whole reply (ms)",
    method,
    columns: [
      'endpoint',
      'server',
      'queries p50 ms',
      'queries p95 ms',
      'queries p99 ms',
      'reply p50 ms (load)',
      'CPU ms/req',
      'peer CPU ms/req',
    ],
    rows: rows.map(({ endpoint, server, queriesMs, run, peer }) => [
      endpoint,
      server,
      ms3(queriesMs.median),
      ms3(queriesMs.p95),
      ms3(queriesMs.p99),
      run.load.latencyMs.median,
      ms3(cpuMsPerRequest(run)),
      ms3(cpuMsPerRequest(peer)),
    ]),
    notes,
  });
}

/** Milliseconds with three decimals: sub-millisecond figures stay readable (the table's default keeps two). */
function ms3(ms: number): string {
  return ms.toFixed(3);
}

export interface AdmissionRow {
  readonly store: string;
  readonly run: AdmissionRun;
  readonly peer?: AdmissionRun;
}

export function passesGoal(run: AdmissionRun): boolean {
  return run.latencyMs.p99 <= GOAL_ADMIT_P99_MS;
}

export function printAdmission(rows: readonly AdmissionRow[], method: string, notes: readonly string[]): void {
  printTable({
    title: `Publish authorization: PublishAdmission.admit, valid key (ms; goal p99 ≤ ${GOAL_ADMIT_P99_MS} ms)`,
    method,
    columns: ['key store', 'calls', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'goal', 'p50 ÷ peer p50'],
    rows: rows.map(({ store, run, peer }) => [
      store,
      String(run.calls),
      ms3(run.latencyMs.mean),
      ms3(run.latencyMs.median),
      ms3(run.latencyMs.p95),
      ms3(run.latencyMs.p99),
      ms3(run.latencyMs.max),
      passesGoal(run) ? 'pass' : 'FAIL',
      peer ? run.latencyMs.median / peer.latencyMs.median : '—',
    ]),
    notes,
  });
}

const REQS = 'requests/s (higher is better)';
const P99 = 'p99 latency, ms (lower is better)';

/** Per endpoint: requests/s and p99 latency, one bar per server. */
export async function chartReads(rows: readonly ReadRow[], subtitle: string): Promise<string> {
  const endpoints = [...new Set(rows.map((r) => r.endpoint))];
  const panel = (
    endpoint: string,
    measure: string,
    value: (run: LoadRun) => number,
    format: string,
    showServers: boolean,
  ) => {
    const values = rows.filter((r) => r.endpoint === endpoint).map((r) => ({ server: r.server, value: value(r.run) }));
    const y = { field: 'server', type: 'nominal', sort: null, title: null } as const;
    return {
      width: 260,
      title: { text: measure, fontSize: 11, fontWeight: 'normal' as const },
      data: { values },
      layer: [
        {
          mark: 'bar' as const,
          encoding: {
            y: { ...y, axis: showServers ? {} : null },
            x: { field: 'value', type: 'quantitative' as const, title: null },
            color: { field: 'server', type: 'nominal' as const, sort: null, legend: null },
          },
        },
        {
          mark: { type: 'text' as const, align: 'left' as const, dx: 4 },
          encoding: {
            y,
            x: { field: 'value', type: 'quantitative' as const },
            text: { field: 'value', type: 'quantitative' as const, format },
          },
        },
      ],
    };
  };
  return writeChart('api-reads', {
    $schema: SCHEMA,
    title: { text: 'API hot reads over HTTP: database vs the same reply from memory', subtitle },
    config: { axis: { labelLimit: 320 } },
    vconcat: endpoints.map((endpoint) => ({
      title: { text: endpoint, anchor: 'start' as const, fontSize: 12 },
      hconcat: [
        panel(endpoint, REQS, (run) => run.load.requestsPerSec, ',.0f', true),
        panel(endpoint, P99, (run) => run.load.latencyMs.p99, '.1f', false),
      ],
    })),
  });
}

/** p50 and p99 of admit per key store, against the goal. */
export async function chartAdmission(rows: readonly AdmissionRow[], subtitle: string): Promise<string> {
  const values = rows.flatMap(({ store, run }) => [
    { store, quantile: 'p50', ms: run.latencyMs.median },
    { store, quantile: 'p99', ms: run.latencyMs.p99 },
  ]);
  const top = Math.max(GOAL_ADMIT_P99_MS * 1.1, ...values.map((v) => v.ms * 1.15));
  return writeChart('api-admission', {
    $schema: SCHEMA,
    title: { text: 'Publish authorization (PublishAdmission.admit, valid key), ms', subtitle },
    width: 520,
    layer: [
      {
        data: { values },
        mark: 'bar',
        encoding: {
          y: { field: 'store', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
          yOffset: { field: 'quantile', type: 'nominal' },
          x: { field: 'ms', type: 'quantitative', title: 'ms (lower is better)', scale: { domain: [0, top] } },
          color: { field: 'quantile', type: 'nominal', legend: { orient: 'bottom', title: null } },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          y: { field: 'store', type: 'nominal', sort: null },
          yOffset: { field: 'quantile', type: 'nominal' },
          x: { field: 'ms', type: 'quantitative' },
          text: { field: 'ms', type: 'quantitative', format: '.3f' },
        },
      },
      {
        data: { values: [{ ms: GOAL_ADMIT_P99_MS, label: `goal: p99 ≤ ${GOAL_ADMIT_P99_MS} ms` }] },
        layer: [
          {
            mark: { type: 'rule', strokeDash: [4, 4], color: 'firebrick' },
            encoding: { x: { field: 'ms', type: 'quantitative' } },
          },
          {
            mark: { type: 'text', align: 'right', dx: -4, dy: -4, baseline: 'bottom', color: 'firebrick' },
            encoding: { x: { field: 'ms', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
          },
        ],
      },
    ],
  });
}
