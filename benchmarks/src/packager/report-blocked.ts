import { writeChart } from '../lib/chart.ts';
import { quantileSorted, type Summary, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { BlockedRound } from './blocked-server.ts';

export interface BlockedSummary {
  readonly label: string;
  readonly requests: number;
  readonly rounds: number;
  readonly retried: number;
  /** Per response, part landed → response read by the client. */
  readonly recv: Summary;
  /** Per response, part landed → 'finish' on the server. */
  readonly finish: Summary;
  /** Per round, part landed → last response read. */
  readonly allAnswered: Summary;
  readonly releaseLoop: Summary;
  readonly park: Summary;
  readonly non200: number;
}

export function summarizeBlocked(label: string, rounds: readonly BlockedRound[], retried: number): BlockedSummary {
  const statuses = new Map<string, number>();
  for (const r of rounds) for (const [k, v] of Object.entries(r.statuses)) statuses.set(k, (statuses.get(k) ?? 0) + v);
  return {
    label,
    requests: rounds[0]?.requests ?? 0,
    rounds: rounds.length,
    retried,
    recv: summarize(rounds.flatMap((r) => r.recvMs)),
    finish: summarize(rounds.flatMap((r) => r.finishMs)),
    allAnswered: summarize(rounds.map((r) => r.lastRecvMs)),
    releaseLoop: summarize(rounds.map((r) => r.releaseLoopMs)),
    park: summarize(rounds.map((r) => r.parkMs)),
    non200: [...statuses].reduce((n, [k, v]) => (k === '200' ? n : n + v), 0),
  };
}

/** "x.xx× the peer" for the row that matches the peer's request count, as a table note. */
export function peerRatioNote(summaries: readonly BlockedSummary[], peerLabel: string): string[] {
  const peer = summaries.find((s) => s.label === peerLabel);
  const ours = summaries.find((s) => s.label !== peerLabel && s.requests === peer?.requests);
  if (!peer || !ours) return [];
  const r = (a: number, b: number) => (a / b).toFixed(2);
  return [
    `${ours.label} ÷ ${peer.label} at ${peer.requests.toLocaleString('en-US')}: p50 ${r(ours.recv.median, peer.recv.median)}×, ` +
      `p99 ${r(ours.recv.p99, peer.recv.p99)}×, all answered ${r(ours.allAnswered.median, peer.allAnswered.median)}×, ` +
      `end() loop ${r(ours.releaseLoop.median, peer.releaseLoop.median)}×.`,
  ];
}

export function printBlocked(summaries: readonly BlockedSummary[], method: string, notes: readonly string[]): void {
  printTable({
    title: 'Blocked playlist requests — release delay when the awaited part lands (goal: p99 ≤ 20 ms)',
    method,
    columns: [
      'server (requests held)',
      'rounds',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'all answered ms (median round)',
      'end() loop ms',
      'server finish p99 ms',
      'park ms',
      'non-200',
    ],
    rows: summaries.map((s) => [
      `${s.label} (${s.requests.toLocaleString('en-US')})`,
      s.retried > 0 ? `${s.rounds} (+${s.retried} retried)` : String(s.rounds),
      s.recv.median,
      s.recv.p95,
      s.recv.p99,
      s.recv.max,
      s.allAnswered.median,
      s.releaseLoop.median,
      s.finish.p99,
      s.park.median,
      String(s.non200),
    ]),
    notes,
  });
}

export interface BlockedChartOptions {
  /** File name under benchmarks/results/ (no extension). */
  readonly name: string;
  readonly title: string;
  readonly goalMs: number;
}

const PACKAGER_CHART: BlockedChartOptions = {
  name: 'packager-blocked-release',
  title: 'Blocked playlist requests: delay from part landing to response read (CDF)',
  goalMs: 20,
};

/** CDF of per-response delay, one line per configuration, sampled at 200 quantiles to keep the SVG small. */
export async function chartBlocked(
  rounds: readonly BlockedRound[],
  subtitle: string,
  options: BlockedChartOptions = PACKAGER_CHART,
): Promise<string> {
  const byLabel = new Map<string, number[]>();
  for (const r of rounds) {
    const key = `${r.label} (${r.requests.toLocaleString('en-US')})`;
    const list = byLabel.get(key) ?? [];
    for (const v of r.recvMs) list.push(v);
    byLabel.set(key, list);
  }
  const values: { config: string; ms: number; fraction: number }[] = [];
  for (const [config, list] of byLabel) {
    const sorted = Array.from(Float64Array.from(list).sort());
    for (let i = 0; i <= 200; i++) {
      values.push({ config, ms: Math.max(0.05, quantileSorted(sorted, i / 200)), fraction: i / 200 });
    }
  }
  return writeChart(options.name, {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, subtitle },
    width: 560,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'delay per response (ms, log)' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of responses' },
          color: {
            field: 'config',
            type: 'nominal',
            title: 'server (requests held)',
            sort: null,
            legend: { labelLimit: 400, titleLimit: 400, orient: 'bottom', columns: 2 },
          },
        },
      },
      {
        data: { values: [{ ms: options.goalMs, label: `goal: p99 ≤ ${options.goalMs} ms` }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' } },
          { mark: { type: 'text', align: 'left', dx: 4, y: 8, color: 'gray' }, encoding: { text: { field: 'label' } } },
        ],
        encoding: { x: { field: 'ms', type: 'quantitative' } },
      },
    ],
  });
}
