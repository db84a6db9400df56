import { writeChart } from '../lib/chart.ts';
import { median, summarize } from '../lib/stats.ts';
import { formatNumber, printTable } from '../lib/table.ts';
import type { PageTiming } from './first-frame.ts';

export interface WebRun {
  /** e.g. 'Glint watch page' or 'peer: hls.js alone'. */
  readonly page: string;
  readonly path: 'LL-HLS' | 'WebRTC';
  readonly goalMs: number;
  readonly timings: readonly PageTiming[];
  readonly failures: number;
  /** The page's scripts gzip-compressed, bytes. */
  readonly scriptGzipBytes: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function printWeb(runs: readonly WebRun[], method: string): void {
  printTable({
    title: 'Watch page: opening it to the first frame shown (fresh browser context each time)',
    method,
    columns: [
      'path',
      'page',
      'runs',
      'first frame p50 ms',
      'p95',
      'min',
      'DOM ready p50',
      'JS kB',
      'gzip kB',
      'goal',
      'vs peer',
    ],
    rows: runs.map((r) => {
      const first = summarize(r.timings.map((t) => t.firstFrameMs));
      const peer = runs.find((p) => p.path === r.path && p !== r && p.page.startsWith('peer'));
      const ratio =
        peer && !r.page.startsWith('peer')
          ? `${(first.median / median(peer.timings.map((t) => t.firstFrameMs))).toFixed(2)}×`
          : '';
      return [
        r.path,
        r.page,
        `${r.timings.length}${r.failures ? ` (+${r.failures} failed)` : ''}`,
        formatNumber(first.median),
        formatNumber(first.p95),
        formatNumber(first.min),
        formatNumber(median(r.timings.map((t) => t.domReadyMs))),
        formatNumber(median(r.timings.map((t) => t.scriptBytes)) / 1024),
        formatNumber(r.scriptGzipBytes / 1024),
        r.page.startsWith('peer') ? '' : `≤ ${r.goalMs}`,
        ratio,
      ];
    }),
  });
}

export function chartWeb(runs: readonly WebRun[], subtitle: string): Promise<string> {
  return writeChart('web-first-frame', {
    $schema: SCHEMA,
    title: { text: 'Opening the watch page to its first frame, ms (lower is better)', subtitle },
    width: 480,
    height: 160,
    data: {
      values: runs.flatMap((r) => r.timings.map((t) => ({ page: `${r.path}: ${r.page}`, ms: t.firstFrameMs }))),
    },
    layer: [
      {
        mark: { type: 'tick', opacity: 0.5 },
        encoding: {
          y: { field: 'page', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
          x: { field: 'ms', type: 'quantitative', title: 'navigation start → first frame presented (ms)' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 80, color: 'black' },
        encoding: {
          y: { field: 'page', type: 'nominal', sort: null },
          x: { aggregate: 'median', field: 'ms', type: 'quantitative' },
        },
      },
    ],
  });
}
