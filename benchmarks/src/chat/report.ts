/** Tables, goals and charts of bench:chat. */
import { writeChart } from '../lib/chart.ts';
import { printTable } from '../lib/table.ts';
import { SERVER_LABEL } from './ipc.ts';
import type { HoldRow, ThroughputRow } from './measures.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const GOALS = {
  /** Glint's deliveries per CPU-second over the peer's. */
  efficiencyRatio: 10,
  p99Ms: 250,
  connections: 100_000,
  kbPerConnection: 20,
} as const;

export function efficiencyRatio(rows: readonly ThroughputRow[]): number | undefined {
  const glint = rows.find((r) => r.kind === 'glint');
  const peer = rows.find((r) => r.kind === 'socketio');
  return glint && peer ? glint.deliveriesPerCpuSec / peer.deliveriesPerCpuSec : undefined;
}

export function throughputGoals(rows: readonly ThroughputRow[]): string[] {
  const glint = rows.find((r) => r.kind === 'glint');
  const ratio = efficiencyRatio(rows);
  if (!glint || ratio === undefined) return ['goals: not judged (Glint or the peer did not run)'];
  const efficient = ratio >= GOALS.efficiencyRatio;
  const fast = glint.load.latencyMs.p99 <= GOALS.p99Ms;
  return [
    `goal ≥ ${GOALS.efficiencyRatio}× Socket.IO's deliveries per CPU-second: ${efficient ? 'pass' : 'FAIL'} (${ratio.toFixed(2)}×)`,
    `goal p99 ≤ ${GOALS.p99Ms} ms at that load: ${fast ? 'pass' : 'FAIL'} (Glint p99 ${glint.load.latencyMs.p99.toFixed(1)} ms)`,
  ];
}

export function printThroughput(rows: readonly ThroughputRow[], method: string, notes: readonly string[]): void {
  const peer = rows.find((r) => r.kind === 'socketio');
  printTable({
    title: 'Chat fan-out under the same load: one busy room and many small rooms (higher deliveries/CPU-s is better)',
    method,
    columns: [
      'server',
      'clients',
      'msgs/s',
      'deliveries/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'delivered %',
      'server CPU %',
      'deliveries/CPU-s',
      '÷ peer',
      'RSS KB/conn',
      'Redis CPU %',
      'load-gen CPU %',
      'send lag p99 ms',
      'dropped/errors',
    ],
    rows: rows.map((row) => {
      const { load } = row;
      const drops = Object.values(load.closedByServer).reduce((a, b) => a + b, 0);
      const errors = Object.values(load.errors).reduce((a, b) => a + b, 0);
      return [
        SERVER_LABEL[row.kind],
        count(load.connected),
        load.sent / load.windowSec,
        load.deliveriesPerSec,
        load.latencyMs.median,
        load.latencyMs.p95,
        load.latencyMs.p99,
        load.latencyMs.max,
        load.expected > 0 ? (load.received / load.expected) * 100 : Number.NaN,
        row.serverCpuPct,
        row.deliveriesPerCpuSec,
        peer ? row.deliveriesPerCpuSec / peer.deliveriesPerCpuSec : '—',
        row.rssPerConnectionKB,
        row.redisCpuPct,
        load.loadGenCpuPct,
        load.sendLagMs.p99,
        `${drops}/${errors}${load.duplicates > 0 ? ` dup ${load.duplicates}` : ''}`,
      ];
    }),
    notes: [...notes, ...rows.flatMap(overloadNote), ...throughputGoals(rows)],
  });
}

/** Past these the load generator (or the box) is the bottleneck, not the server: the row says so. */
const MAX_SEND_LAG_P99_MS = 50;
const MIN_DELIVERED_PCT = 99;

function overloadNote(row: ThroughputRow): string[] {
  const { load } = row;
  const delivered = load.expected > 0 ? (load.received / load.expected) * 100 : 100;
  if (load.sendLagMs.p99 <= MAX_SEND_LAG_P99_MS && delivered >= MIN_DELIVERED_PCT) return [];
  return [
    `${SERVER_LABEL[row.kind]}: send lag p99 ${load.sendLagMs.p99.toFixed(0)} ms, ${delivered.toFixed(1)} % delivered by the drain's end: the box (or that server) could not keep up with this load; its latency is queueing, and the ratio is only indicative. Run on a quieter machine or with a lower --busy-rate.`,
  ];
}

export function printHold(rows: readonly HoldRow[], method: string, notes: readonly string[]): void {
  const glint = rows.find((r) => r.kind === 'glint');
  const goals = glint
    ? [
        `goal ${count(GOALS.connections)} connections on one pod: ${glint.held >= GOALS.connections ? 'pass' : 'FAIL'} (${count(glint.held)} held${glint.cappedBy ? `; ${glint.cappedBy}` : ''})`,
        `goal ≤ ${GOALS.kbPerConnection} KB each: ${glint.kbPerConnection <= GOALS.kbPerConnection ? 'pass' : 'FAIL'} (${glint.kbPerConnection.toFixed(1)} KB of RSS per connection)`,
      ]
    : ['goals: not judged (Glint did not run)'];
  printTable({
    title: 'Idle connections held on one pod, each joined to a room (lower KB per connection is better)',
    method,
    columns: [
      'server',
      'asked',
      'held',
      'failed',
      'closed by server',
      'open s',
      'conn/s',
      'RSS idle MB',
      'RSS holding MB',
      'RSS KB/conn',
      '(RSS − idle) KB/conn',
      'heap KB/conn',
      'stopped because',
    ],
    rows: rows.map((row) => [
      SERVER_LABEL[row.kind],
      count(row.target),
      count(row.held),
      count(row.failed),
      count(row.closedByServer),
      row.openMs / 1000,
      row.held / (row.openMs / 1000),
      row.idle.rssBytes / 1048576,
      (row.points[row.points.length - 1]?.stats.rssBytes ?? Number.NaN) / 1048576,
      row.kbPerConnection,
      row.kbPerConnectionFromIdle,
      row.heapKbPerConnection,
      row.stoppedBecause,
    ]),
    notes: [...notes, ...goals],
  });
}

/** One colour per server in every chart, peer first. */
const SERVER_ORDER = [SERVER_LABEL.socketio, SERVER_LABEL.glint];
const SERVER_COLOR = {
  field: 'server',
  type: 'nominal',
  scale: { domain: SERVER_ORDER, range: ['#4c78a8', '#f58518'] },
  legend: null,
} as const;

interface Bar {
  readonly server: string;
  readonly value: number;
  /** A second bar per server (p50 / p99), drawn side by side. */
  readonly part?: string;
}

function barPanel(title: string, values: readonly Bar[], format: string, goal?: { value: number; label: string }) {
  const y = { field: 'server', type: 'nominal', sort: SERVER_ORDER, title: null } as const;
  const split = values.some((v) => v.part !== undefined);
  const offset = split ? { yOffset: { field: 'part', type: 'nominal' as const } } : {};
  const color = split
    ? {
        field: 'part',
        type: 'nominal' as const,
        scale: { range: ['#9ecae9', '#3b6ea5'] },
        legend: { orient: 'bottom' as const, title: null },
      }
    : SERVER_COLOR;
  return {
    width: 260,
    title: { text: title, fontSize: 11, fontWeight: 'normal' as const },
    layer: [
      {
        data: { values },
        mark: 'bar' as const,
        encoding: { y, ...offset, x: { field: 'value', type: 'quantitative' as const, title: null }, color },
      },
      {
        data: { values },
        mark: { type: 'text' as const, align: 'left' as const, dx: 4 },
        encoding: {
          y,
          ...offset,
          x: { field: 'value', type: 'quantitative' as const },
          text: { field: 'value', type: 'quantitative' as const, format },
        },
      },
      ...(goal ? goalRule(goal) : []),
    ],
  };
}

/** Deliveries per CPU-second, p50/p99 latency against the goal, and the held connections against theirs. */
export async function chartChat(
  rows: readonly ThroughputRow[],
  holds: readonly HoldRow[],
  subtitle: string,
): Promise<string> {
  const label = (kind: ThroughputRow['kind']) => SERVER_LABEL[kind];
  const fanout = [
    barPanel(
      'deliveries per server CPU-second (higher is better)',
      rows.map((r) => ({ server: label(r.kind), value: r.deliveriesPerCpuSec })),
      ',.0f',
    ),
    barPanel(
      'delivery latency, ms (lower is better)',
      rows.flatMap((r) => [
        { server: label(r.kind), part: 'p50', value: r.load.latencyMs.median },
        { server: label(r.kind), part: 'p99', value: r.load.latencyMs.p99 },
      ]),
      '.1f',
      { value: GOALS.p99Ms, label: `goal p99 ≤ ${GOALS.p99Ms} ms` },
    ),
  ];
  const held = [
    barPanel(
      'idle connections held on one pod',
      holds.map((h) => ({ server: label(h.kind), value: h.held })),
      ',.0f',
    ),
    barPanel(
      'RSS per held connection, KB (lower is better)',
      holds.map((h) => ({ server: label(h.kind), value: h.kbPerConnection })),
      '.1f',
      { value: GOALS.kbPerConnection, label: `goal ≤ ${GOALS.kbPerConnection} KB` },
    ),
  ];
  return writeChart('chat', {
    $schema: SCHEMA,
    title: { text: 'Chat: fan-out cost and latency, connections held (Glint vs Socket.IO + Redis adapter)', subtitle },
    config: { axis: { labelLimit: 300 } },
    vconcat: [
      // The latency panel colours by quantile, the others by server.
      ...(rows.length > 0 ? [{ hconcat: fanout, resolve: { scale: { color: 'independent' as const } } }] : []),
      ...(holds.length > 0 ? [{ hconcat: held }] : []),
    ],
    resolve: { scale: { color: 'independent' } },
  });
}

/** Whole counts as text: the table's number format would give small ones two decimals. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function goalRule(goal: { value: number; label: string }) {
  const values = [goal];
  return [
    {
      data: { values },
      mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'firebrick' },
      encoding: { x: { field: 'value', type: 'quantitative' as const } },
    },
    {
      data: { values },
      mark: {
        type: 'text' as const,
        align: 'right' as const,
        dx: -4,
        dy: -4,
        baseline: 'bottom' as const,
        color: 'firebrick',
      },
      encoding: {
        x: { field: 'value', type: 'quantitative' as const },
        y: { value: 0 },
        text: { field: 'label', type: 'nominal' as const },
      },
    },
  ];
}

/** Delivery latency CDF of both servers from the same run. */
export async function chartLatencyCdf(rows: readonly ThroughputRow[], subtitle: string): Promise<string> {
  const values = rows.flatMap((r) =>
    r.load.latencyPercentiles.map((ms, q) => ({ server: SERVER_LABEL[r.kind], ms, fraction: q / 100 })),
  );
  return writeChart('chat-latency-cdf', {
    $schema: SCHEMA,
    title: { text: 'Chat delivery latency (send → receive, one clock), CDF', subtitle },
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'ms', scale: { type: 'symlog' } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of deliveries', axis: { format: '%' } },
      color: { ...SERVER_COLOR, legend: { orient: 'bottom', title: null, labelLimit: 400 } },
    },
  });
}
