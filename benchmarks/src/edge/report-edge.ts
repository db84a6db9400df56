import { median } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import { type BlockedSummary, summarizeBlocked } from '../packager/report-blocked.ts';
import type { EdgeRound, EdgeRun } from './run-edge.ts';

export interface EdgeSummary extends BlockedSummary {
  /** Median over rounds of the blocking requests that reached the origin (one part per round). */
  readonly originRequestsPerPart: number;
  readonly maxOriginRequestsPerPart: number;
  /** Varnish: median over rounds of requests that waited at the edge for the origin's answer. */
  readonly waitedAtEdge: number | null;
  /** Median over rounds of the origin main process's CPU per round (ms). */
  readonly mainCpuMs: number;
}

export function summarizeEdge(run: EdgeRun): EdgeSummary[] {
  const groups = new Map<string, EdgeRound[]>();
  for (const r of run.rounds) {
    const key = `${r.label}|${r.requests}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rounds) => {
    const first = rounds[0] as EdgeRound;
    const waited = rounds.map((r) => r.waitedAtEdge).filter((n): n is number => n !== null);
    return {
      ...summarizeBlocked(first.label, rounds, run.retried[`${first.label} (${first.requests})`] ?? 0),
      originRequestsPerPart: median(rounds.map((r) => r.originRequests)),
      maxOriginRequestsPerPart: Math.max(...rounds.map((r) => r.originRequests)),
      waitedAtEdge: waited.length > 0 ? median(waited) : null,
      mainCpuMs: median(rounds.map((r) => r.mainCpuMs)),
    };
  });
}

export function printEdge(summaries: readonly EdgeSummary[], method: string, notes: readonly string[]): void {
  printTable({
    title:
      'LL-HLS blocking reloads through an edge cache (goal: 20,000 viewers, p99 ≤ 50 ms after the part lands, ≤ 2 origin requests per part per edge)',
    method,
    columns: [
      'path (viewers)',
      'rounds',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'all answered ms',
      'origin requests per part (max)',
      'origin main process CPU ms',
      'waited at edge',
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
      `${s.originRequestsPerPart} (${s.maxOriginRequestsPerPart})`,
      s.mainCpuMs.toFixed(0),
      s.waitedAtEdge === null ? '—' : s.waitedAtEdge.toLocaleString('en-US'),
      String(s.non200),
    ]),
    notes,
  });
}

/**
 * "Varnish ÷ origin alone" and "nginx ÷ Varnish" at the largest crowd each pair answered in full (a path with
 * answers missing says so instead: its delays describe only the viewers it answered).
 */
export function edgeRatioNotes(
  summaries: readonly EdgeSummary[],
  labels: { origin: string; workers: string; varnish: string; nginx: string },
): string[] {
  const notes: string[] = [];
  const r = (a: number, b: number) => (a / b).toFixed(2);
  const compare = (a: string, b: string) => {
    const full = (label: string) => summaries.filter((s) => s.label === label && s.non200 === 0);
    const sizes = full(a)
      .map((s) => s.requests)
      .filter((n) => full(b).some((s) => s.requests === n));
    if (sizes.length === 0) return;
    const n = Math.max(...sizes);
    const x = full(a).find((s) => s.requests === n) as EdgeSummary;
    const y = full(b).find((s) => s.requests === n) as EdgeSummary;
    notes.push(
      `at ${n.toLocaleString('en-US')} viewers, ${a} ÷ ${b}: p50 ${r(x.recv.median, y.recv.median)}×, p99 ${r(x.recv.p99, y.recv.p99)}×.`,
    );
  };
  compare(labels.workers, labels.origin);
  compare(labels.varnish, labels.origin);
  compare(labels.nginx, labels.varnish);
  for (const s of summaries.filter((s) => s.non200 > 0)) {
    notes.push(
      `${s.label} (${s.requests.toLocaleString('en-US')}): ${s.non200.toLocaleString('en-US')} of ${(s.requests * s.rounds).toLocaleString('en-US')} answers missing or not 200; its delays are those of the answered.`,
    );
  }
  return notes;
}
