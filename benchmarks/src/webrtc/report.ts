/** Tables and charts of bench:webrtc's latency measure (the fan-out's are in fanout-report.ts). */
import { writeChart } from '../lib/chart.ts';
import { quantileSorted, type Summary, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import { LATENCY_LABELS, type LatencyRun } from './latency.ts';

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const GOAL_P50_MS = 120;
export const GOAL_P95_MS = 200;

export function printLatency(runs: readonly LatencyRun[], method: string, notes: readonly string[]): Summary[] {
  const summaries = runs.map((r) => summarize(r.latenciesMs));
  const direct = summaries[runs.findIndex((r) => r.mode === 'direct')];
  const sfu = summaries[runs.findIndex((r) => r.mode === 'sfu')];
  const mediasoup = summaries[runs.findIndex((r) => r.mode === 'mediasoup')];
  printTable({
    title:
      'Glass-to-glass latency on loopback, Chromium → Chromium, 640x360 canvas at 30 fps, H.264 (ms; lower is better)',
    method,
    columns: [
      'path',
      'frames',
      'p50',
      'p95',
      'p99',
      'max',
      'fps',
      'size',
      'jitter buf',
      'unreadable',
      'p50 − peer p50',
    ],
    rows: runs.map((r, i) => {
      const s = summaries[i] as Summary;
      return [
        LATENCY_LABELS[r.mode],
        String(s.count),
        s.median,
        s.p95,
        s.p99,
        s.max,
        r.viewer.framesPerSecond,
        `${r.viewer.frameWidth}x${r.viewer.frameHeight}`,
        r.viewer.jitterBufferMs,
        String(r.viewer.unreadable),
        direct ? s.median - direct.median : '—',
      ];
    }),
    notes: [
      sfu
        ? `goals: p50 ≤ ${GOAL_P50_MS} ms ${sfu.median <= GOAL_P50_MS ? 'met' : 'NOT met'} (${sfu.median.toFixed(0)}), p95 ≤ ${GOAL_P95_MS} ms ${sfu.p95 <= GOAL_P95_MS ? 'met' : 'NOT met'} (${sfu.p95.toFixed(0)}).`
        : 'no SFU run.',
      sfu && direct
        ? `the SFU adds ${(sfu.median - direct.median).toFixed(1)} ms at the median (difference of medians), ${(sfu.p95 - direct.p95).toFixed(1)} ms at p95.`
        : '',
      mediasoup && direct
        ? `mediasoup adds ${(mediasoup.median - direct.median).toFixed(1)} ms at the median, ${(mediasoup.p95 - direct.p95).toFixed(1)} ms at p95${sfu ? ` (werift ${(sfu.median - direct.median).toFixed(1)} / ${(sfu.p95 - direct.p95).toFixed(1)} ms)` : ''}.`
        : '',
      ...runs.map(
        (r) =>
          `${r.mode}: first frame ${r.firstFrameMs.toFixed(0)} ms after the publisher started; viewer tab clock − publisher tab clock ${r.clockSkewMs.toFixed(2)} ms; ${r.viewer.packetsLost} packets lost; codec ${r.viewer.codec}.`,
      ),
      ...notes,
    ].filter(Boolean),
  });
  return summaries;
}

export async function chartLatency(runs: readonly LatencyRun[], subtitle: string): Promise<string> {
  const values = runs.flatMap((r) => {
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    const label = LATENCY_LABELS[r.mode];
    return Array.from({ length: 201 }, (_, i) => ({
      path: label,
      ms: quantileSorted(sorted, i / 200),
      fraction: i / 200,
    }));
  });
  return writeChart('webrtc-latency-cdf', {
    $schema: SCHEMA,
    title: { text: 'Glass-to-glass latency per frame, loopback, Chromium (CDF)', subtitle },
    width: 560,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'display time − paint time (ms)' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of frames' },
          color: { field: 'path', type: 'nominal', legend: { orient: 'top', title: null, labelLimit: 400 } },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { datum: GOAL_P50_MS } } },
    ],
  });
}
