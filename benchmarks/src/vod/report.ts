/** bench:vod's tables and charts. */
import { writeChart } from '../lib/chart.ts';
import { median } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import { ARCHIVE_RENDITIONS, type ArchiveMethodRun } from './archive-bench.ts';
import type { ClipRun } from './clip-bench.ts';
import type { PlaylistRun } from './playlist-bench.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Scales a run's figure to one stream-hour. */
const perHour = (run: ArchiveMethodRun, value: number) => value * (3600 / (run.segments / ARCHIVE_RENDITIONS.length));

export function printArchive(runs: readonly ArchiveMethodRun[], method: string): void {
  const glint = runs.find((r) => r.method === 'glint');
  const floor = runs.find((r) => r.method === 'writeFile');
  const durable = runs.find((r) => r.method === 'writeFile+fsync');
  printTable({
    title: 'Archival cost per stream-hour (source 1080p + 720p, 480p, 360p rungs + audio: 10.5 Mbit/s)',
    method,
    columns: [
      'method',
      'segments',
      'GB/stream-h',
      'CPU s/stream-h',
      'core %',
      'wall s/stream-h',
      'hot path µs p50',
      'max',
      'skipped',
    ],
    rows: runs.map((r) => [
      r.method === 'glint' ? 'Glint archive (hash, temp, fsync, rename, index)' : `peer: ${r.method}`,
      r.segments,
      perHour(r, r.bytes) / 1e9,
      perHour(r, r.cpuMs) / 1000,
      perHour(r, r.cpuMs) / 36_000,
      perHour(r, r.wallMs) / 1000,
      r.hotPathUsP50 ?? '—',
      r.hotPathUsMax ?? '—',
      r.skipped ?? '—',
    ]),
    notes:
      glint && floor && durable
        ? [
            `Glint's CPU per stream-hour is ${(glint.cpuMs / floor.cpuMs).toFixed(2)}× a bare writeFile's and ${(glint.cpuMs / durable.cpuMs).toFixed(2)}× writeFile + fsync's; its wall time ${(glint.wallMs / durable.wallMs).toFixed(2)}× the latter (the disk's fsyncs set it).`,
            "hot path = the packager's call into the archive (enqueue only), per segment: what a live part could wait.",
          ]
        : [],
  });
}

export async function chartArchive(runs: readonly ArchiveMethodRun[], subtitle: string): Promise<string> {
  return writeChart('vod-archive', {
    $schema: SCHEMA,
    title: {
      text: 'Archiving one stream-hour (10.5 Mbit/s over 5 renditions): CPU seconds, lower is better',
      subtitle,
    },
    width: 480,
    height: 200,
    data: {
      values: runs.map((r) => ({
        method: r.method === 'glint' ? 'Glint archive' : `peer: ${r.method}`,
        cpu: perHour(r, r.cpuMs) / 1000,
      })),
    },
    mark: 'bar',
    encoding: {
      y: { field: 'method', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      x: { field: 'cpu', type: 'quantitative', title: 'CPU s per stream-hour' },
      color: { field: 'method', type: 'nominal', legend: null },
    },
  });
}

export function printPlaylists(runs: readonly PlaylistRun[], method: string): void {
  printTable({
    title: `VOD playlist generation for a ${runs[0] ? (runs[0].segmentsPerRendition / 3600).toFixed(0) : '?'}-hour broadcast (one-second segments, 4 renditions)`,
    method,
    columns: [
      'database',
      'segments/rendition',
      'media playlist KB',
      'cold media ms',
      'cold multivariant ms',
      'warm µs',
      'render only ms (4)',
      'hls-parser ms (4)',
      'peer ÷ Glint',
    ],
    rows: runs.map((r) => [
      r.dialect,
      r.segmentsPerRendition,
      r.mediaPlaylistBytes / 1024,
      median(r.coldMediaMs),
      median(r.coldMs),
      r.warmMs * 1000,
      median(r.glintRenderMs),
      median(r.peerRenderMs),
      median(r.peerRenderMs) / median(r.glintRenderMs),
    ]),
    notes: [
      'cold = a new playlist cache: the SQL reads of the rendition (paged) and the rendering, as the first request for an old VOD; warm = a request the cache answers (strong ETag ready).',
      'render only = the four media playlists from rows already in memory: Glint vs hls-parser (stringify) on the same rows.',
    ],
  });
}

export async function chartPlaylists(runs: readonly PlaylistRun[], subtitle: string): Promise<string> {
  const values = runs.flatMap((r) => [
    { database: r.dialect, step: 'Glint: one media playlist, cold (SQL + render)', ms: median(r.coldMediaMs) },
    { database: r.dialect, step: 'Glint: multivariant, cold (reads every rendition)', ms: median(r.coldMs) },
    { database: r.dialect, step: 'Glint: render 4 media playlists', ms: median(r.glintRenderMs) },
    { database: r.dialect, step: 'peer hls-parser: render the same 4', ms: median(r.peerRenderMs) },
  ]);
  return writeChart('vod-playlists', {
    $schema: SCHEMA,
    title: {
      text: 'VOD playlists of a 6-hour broadcast: milliseconds to generate (median), lower is better',
      subtitle,
    },
    width: 480,
    height: 240,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'step', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      yOffset: { field: 'database' },
      x: { field: 'ms', type: 'quantitative', title: 'ms' },
      color: { field: 'database', type: 'nominal', legend: { orient: 'bottom', title: null } },
    },
  });
}

export function printClips(runs: readonly ClipRun[], method: string): void {
  printTable({
    title: 'Making a clip from the archive (median of the repeats)',
    method,
    columns: ['method', 'source', 'clip s', 'time s p50', 'min', 'max', 'duration error ms', 'first frame key'],
    rows: runs.map((r) => [
      r.method,
      `${r.height}p`,
      r.requestedSec,
      median(r.seconds),
      Math.min(...r.seconds),
      Math.max(...r.seconds),
      r.durationErrorMs,
      r.firstFrameKey ? 'yes' : 'no',
    ]),
    notes: [
      'goal: a 30 s clip in ≤ 3 s on one core, starting and ending within one frame (33 ms at 30 fps) of the request.',
    ],
  });
}

export async function chartClips(runs: readonly ClipRun[], subtitle: string): Promise<string> {
  return writeChart('vod-clips', {
    $schema: SCHEMA,
    title: { text: 'A 30 s clip from the archive: seconds to make (median), lower is better', subtitle },
    width: 480,
    height: 220,
    data: { values: runs.map((r) => ({ method: r.method, source: `${r.height}p`, s: median(r.seconds) })) },
    mark: 'bar',
    encoding: {
      y: { field: 'method', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      yOffset: { field: 'source' },
      x: { field: 's', type: 'quantitative', title: 'seconds' },
      color: { field: 'source', type: 'nominal', legend: { orient: 'bottom', title: null } },
    },
  });
}
