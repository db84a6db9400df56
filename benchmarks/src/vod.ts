/**
 * `npm run bench:vod`: what VOD costs. Three measures, each with a peer in the same run:
 *   archive    archival cost per stream-hour (Glint's archive vs writeFile, writeFile + fsync)
 *   playlists  VOD playlist generation for a long broadcast (SQLite and PostgreSQL; peer: hls-parser)
 *   clips      time to make a 30 s clip (peers: ffmpeg re-encoding the range, ffmpeg stream copy)
 * Options: --only=archive|playlists|clips, --minutes=5 (archive), --hours=6 (playlists), --repeats=3,
 * --heights=720,1080 (clips). Prints progress, tables, writes results/vod-*.svg and a JSON record. Stops by itself.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { type ArchiveMethodRun, runArchiveBench } from './vod/archive-bench.ts';
import { type ClipRun, runClipBench } from './vod/clip-bench.ts';
import { type PlaylistRun, runPlaylistBench } from './vod/playlist-bench.ts';
import { chartArchive, chartClips, chartPlaylists, printArchive, printClips, printPlaylists } from './vod/report.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    minutes: { type: 'string', default: '5' },
    hours: { type: 'string', default: '6' },
    repeats: { type: 'string', default: '3' },
    heights: { type: 'string', default: '720,1080' },
  },
});
const parts = values.only ? [values.only] : ['archive', 'playlists', 'clips'];
for (const part of parts) {
  if (!['archive', 'playlists', 'clips'].includes(part))
    throw new Error(`--only: archive, playlists or clips, not ${part}`);
}
const minutes = Number(values.minutes);
const hours = Number(values.hours);
const repeats = Number(values.repeats);
const heights = (values.heights ?? '').split(',').map(Number);
for (const [name, n] of [
  ...Object.entries({ minutes, hours, repeats }),
  ...heights.map((h) => ['heights', h] as const),
]) {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: not a number > 0`);
}
const scratch = new Scratch();
guardRun('bench:vod', scratch, 30 * 60_000);

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const record: { archive?: ArchiveMethodRun[]; playlists?: PlaylistRun[]; clips?: ClipRun[] } = {};
  const charts: string[] = [];
  const note = () =>
    `${machine}; load ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(2)} after`;
  if (parts.includes('archive')) {
    const p = progress('archive');
    record.archive = await runArchiveBench({ scratch, minutes, step: (t) => p.update(t) });
    p.done('done');
    printArchive(
      record.archive,
      [
        `${minutes} stream minutes of one-second segments per method (source 750 KB, 720p 312 KB, 480p 150 KB, 360p 88 KB,`,
        'audio 16 KB; random bytes, five parts each), pushed as fast as each method writes them (Glint: into',
        'Vod.sinkFor, waiting when 16 MB are queued), scaled to one stream-hour. CPU = this process (user + system)',
        `over the run; the database is SQLite in the same temp folder. Machine: ${note()}.`,
      ].join('\n        '),
    );
    charts.push(await chartArchive(record.archive, note()));
  }
  if (parts.includes('playlists')) {
    const p = progress('playlists');
    record.playlists = await runPlaylistBench({
      hours,
      dialects: ['sqlite', 'postgres'],
      repeats,
      step: (t) => p.update(t),
    });
    p.done('done');
    printPlaylists(
      record.playlists,
      [
        `the index of a ${hours}-hour ended broadcast (1080p source, 720p, 480p, audio; ${Math.round(hours * 3600)} one-second segments each) written`,
        'into a fresh platform database (a temp SQLite file; a fresh PostgreSQL database on 127.0.0.1), then',
        `VodPlaylists asked for playlists from an empty cache, ${repeats} times (median). Machine: ${note()}.`,
      ].join('\n        '),
    );
    charts.push(await chartPlaylists(record.playlists, note()));
  }
  if (parts.includes('clips')) {
    const p = progress('clips');
    record.clips = await runClipBench({
      scratch,
      heights,
      sourceSec: 45,
      clipSec: 30,
      startSec: 5.5,
      repeats,
      step: (t) => p.update(t),
    });
    p.done('done');
    printClips(
      record.clips,
      [
        '45 s of testsrc2 + noise (x264 veryfast High, 2 B-frames, 1 s GOP, AAC) published in real time over RTMP to a',
        `whole Glint (archived as it plays), then a 30 s clip from 5.5 s (both edges mid-GOP), ${repeats} times each;`,
        "peers cut the same range from the same FLV recording. time = the job's wall time; error = |frames ÷ 30 − 30 s|",
        `(ffprobe); key = the first frame is a keyframe. Machine: ${note()}.`,
      ].join('\n        '),
    );
    charts.push(await chartClips(record.clips, note()));
  }
  const json = writeResults('vod', { machine, loadAverage: { before: loadBefore, after: loadavg()[0] }, ...record });
  process.stderr.write(`charts: ${charts.join(', ')}\nnumbers: ${json}\n`);
}

main()
  .then(() => {
    scratch.cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:vod failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    process.exit(1);
  });
