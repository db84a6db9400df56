/** Table and chart of bench:webrtc:layers. */
import type { TopLevelSpec } from 'vega-lite';
import { writeChart } from '../lib/chart.ts';
import { median } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { ModeRun, Trial } from './trials.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const TITLES: Record<ModeRun['mode'], string> = {
  layers: 'layers: queue + REMB (automatic)',
  'remb-loss': 'layers: REMB + loss only (as before)',
  'source-only': 'peer: pinned to the source',
};

const present = (values: readonly (number | null)[]) =>
  values.filter((v): v is number => v !== null && !Number.isNaN(v));

function cell(values: readonly (number | null)[], scale = 1): string {
  const got = present(values).map((v) => v / scale);
  if (got.length === 0) return '—';
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(scale === 1 ? 1 : 2));
  const of = got.length < values.length ? ` (${got.length}/${values.length})` : '';
  return `${fmt(median(got))} [${fmt(Math.min(...got))}–${fmt(Math.max(...got))}]${of}`;
}

export function printLayers(runs: readonly ModeRun[], method: string, notes: readonly string[]): void {
  const layers = runs.find((r) => r.mode === 'layers')?.trials ?? [];
  const before = runs.find((r) => r.mode === 'remb-loss')?.trials ?? [];
  const peer = runs.find((r) => r.mode === 'source-only')?.trials ?? [];
  const row = (label: string, pick: (t: Trial) => number | null, scale = 1) => [
    label,
    cell(layers.map(pick), scale),
    cell(before.map(pick), scale),
    cell(peer.map(pick), scale),
  ];
  printTable({
    title: 'WebRTC layers: a viewer whose link is capped under the source, then uncapped',
    method,
    columns: ['per drop: median [min–max]', 'layers: queue + REMB', 'layers: REMB + loss only', 'peer: source only'],
    rows: [
      row('estimate (REMB) under the source, s after the cap', (t) => t.estimateDownMs, 1000),
      row('server switched down, s after the cap', (t) => t.serverDownMs, 1000),
      row('viewer decoding the lower layer, s after the cap', (t) => t.viewerDownMs, 1000),
      row('freezes while capped', (t) => t.freezes),
      row('freeze time while capped, s', (t) => t.freezeS),
      row('stalled while capped (no frame > 250 ms), s', (t) => t.stallS),
      row('longest stall while capped, s', (t) => t.longestStallS),
      row('freezes on the lower layer', (t) => t.freezesAfterSwitch),
      row('frames decoded per s while capped', (t) => t.fps),
      row('frames dropped while capped', (t) => t.framesDropped),
      row('packets lost while capped', (t) => t.packetsLost),
      row('server back on the source, s after the lift', (t) => t.serverUpMs, 1000),
      row('viewer decoding the source, s after the lift', (t) => t.viewerUpMs, 1000),
      row('freezes after the lift', (t) => t.liftFreezes),
    ],
    notes: [
      `layers while capped, queue + REMB: ${layers.map((t) => t.layersVisited.join('→') || '?').join(', ')}`,
      `layers while capped, REMB + loss only: ${before.map((t) => t.layersVisited.join('→') || '?').join(', ')}`,
      `drops that started clean (on the source, estimate over its rate): ${runs.map((r) => `${r.mode} ${r.trials.filter((t) => t.cleanStart).length}/${r.trials.length}`).join(', ')}`,
      '(n/m): a time seen in n of m trials; — none. A freeze is counted by Chromium when a frame ends it: a stall still on at the lift shows under "after the lift"',
      'back up: only drops that left the viewer on a lower layer at the lift',
      ...notes,
    ],
  });
}

/** Frame height, received rate and estimate against time from each mode's first cap, caps shaded. */
export async function chartLayers(name: string, runs: readonly ModeRun[], title: string): Promise<string> {
  const rows: Array<Record<string, number | string>> = [];
  const caps: Array<Record<string, number | string>> = [];
  for (const run of runs) {
    const t0 = run.trials[0]?.capAtMs ?? run.samples[0]?.atMs ?? 0;
    const s = (at: number) => (at - t0) / 1000;
    for (const t of run.trials) caps.push({ mode: run.mode, from: s(t.capAtMs), to: s(t.liftAtMs) });
    let prev: (typeof run.samples)[number] | undefined;
    for (const sample of run.samples) {
      if (sample.atMs < t0 - 3000) continue;
      rows.push({ mode: run.mode, t: s(sample.atMs), series: 'frame height (lines)', value: sample.frameHeight });
      if (prev && sample.atMs - prev.atMs >= 400) {
        const kbps = ((sample.bytesReceived - prev.bytesReceived) * 8) / (sample.atMs - prev.atMs);
        rows.push({ mode: run.mode, t: s(sample.atMs), series: 'received kbit/s', value: Math.round(kbps) });
        prev = sample;
      }
      prev ??= sample;
    }
    for (const p of run.server) {
      if (p.atMs < t0 - 3000 || p.estimateKbps === null) continue;
      rows.push({ mode: run.mode, t: s(p.atMs), series: 'estimate (REMB) kbit/s', value: Math.round(p.estimateKbps) });
    }
  }
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title,
    datasets: { rows, caps },
    vconcat: runs.map(({ mode }) => ({
      title: TITLES[mode],
      width: 900,
      height: 220,
      layer: [
        {
          data: { name: 'caps' },
          transform: [{ filter: `datum.mode === '${mode}'` }],
          mark: { type: 'rect', opacity: 0.12, color: 'firebrick' },
          encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
        },
        {
          data: { name: 'rows' },
          transform: [{ filter: `datum.mode === '${mode}'` }],
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 's from the first cap (shaded: capped)' },
            y: { field: 'value', type: 'quantitative', title: 'kbit/s · lines' },
            color: { field: 'series', type: 'nominal' },
          },
        },
      ],
    })),
  };
  return writeChart(name, spec);
}
