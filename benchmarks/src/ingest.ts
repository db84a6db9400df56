/**
 * `npm run bench:ingest`: how long an access unit takes from entering the server to being listed in a playlist a
 * player can fetch, and how much CPU one ingested stream costs, for Glint (RTMP → hub → LL-HLS) and for ffmpeg's
 * HLS muxer as the peer, in the same run. Prints a table per measure and writes a chart per measure under
 * benchmarks/results/. Stops by itself (watchdog), kills every child process and removes its temp folders.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type FlvFile, readFlv } from './ingest/flv.ts';
import { type CpuRun, type GlintDelayRun, type RunTiming, runGlintCpu, runGlintDelay } from './ingest/glint.ts';
import { PEER_ARGS, type PeerRun, runPeer } from './ingest/peer.ts';
import { chartCpu, chartDelays, delaySeries, marginalPct, printCpu, printDelays } from './ingest/report.ts';
import { encodeSource } from './ingest/source.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';

const WATCHDOG_MS = 230_000;
const SOURCE = { seconds: 25, width: 1280, height: 720, fps: 30, videoKbps: 3000, audioKbps: 128 } as const;
const TIMING: RunTiming = { skipMs: 1000, windowMs: 21_000, graceMs: 3000 };
const CPU = { warmMs: 1500, windowMs: 20_000 } as const;
const PEER_LABEL = 'ffmpeg HLS muxer, 1 s fMP4 segments';

const scratch = new Scratch();

guardRun('bench:ingest', scratch, WATCHDOG_MS);

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const p = progress('source');
  p.update(`encoding ${SOURCE.seconds} s of ${SOURCE.width}x${SOURCE.height} ${SOURCE.fps} fps H.264 + AAC`);
  const source = encodeSource(scratch.dir('glint-bench-ingest-'), SOURCE);
  const flv: FlvFile = readFlv(readFileSync(source));
  p.done(`${flv.tags.filter((t) => t.videoFrame).length} video frames in ${source}`);

  const delays: GlintDelayRun[] = [];
  const cpuRuns: { glint: CpuRun[]; peer: CpuRun[] } = { glint: [], peer: [] };

  delays.push(await glintDelay(source, 200));
  const peer1 = await peerRun(flv, 1, true);
  delays.push(await glintDelay(source, 100));
  cpuRuns.peer.push(peer1.cpu);
  for (const streams of [1, 4]) {
    const g = progress(`glint cpu ×${streams}`);
    const run = await runGlintCpu(scratch, source, streams, CPU.warmMs, CPU.windowMs, (t) => g.update(t));
    g.done(`${((run.cpu.cpuMs / run.cpu.windowMs / streams) * 100).toFixed(2)} % of a core per stream`);
    cpuRuns.glint.push(run);
  }
  cpuRuns.peer.push((await peerRun(flv, 4, false)).cpu);
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const peerDelay = peer1.delay;
  if (!peerDelay) throw new Error('the peer run did not measure delay');

  const frameMs = 1000 / SOURCE.fps;
  const series = delaySeries(delays, peerDelay, PEER_LABEL);
  const summaries = printDelays(
    series,
    [
      `ffmpeg replays a pre-encoded ${SOURCE.width}x${SOURCE.height} ${SOURCE.fps} fps H.264 (High, 2 B-frames, -g ${SOURCE.fps},`,
      `${SOURCE.videoKbps} kb/s) + AAC FLV in real time (-re -c copy) over RTMP to an in-process Glint on 127.0.0.1.`,
      'A StreamReader on the LiveStream stamps each video access unit (performance.now()) as the hub hands it out; on',
      "each packager change, the new video part's samples (trun sizes, matched 4 in a row against what entered) leave",
      'the queue as listed at that instant (tfdt checked against their decode times). A blocking-playlist client on',
      'node:http (same process, keep-alive) asks for the next part (_HLS_msn/_HLS_part) and stamps the whole answer.',
      `Window: access units entering ${TIMING.skipMs / 1000} s to ${(TIMING.skipMs + TIMING.windowMs) / 1000} s after the first.`,
      `Peer: ${PEER_LABEL} (ffmpeg ${PEER_ARGS.slice(PEER_ARGS.indexOf('hls') - 1).join(' ')}, FLV on stdin),`,
      'fed by this process replaying the same FLV tags at their timestamps and stamping each video tag as written;',
      "the playlist is watched with fs.watch plus a 10 ms poll and each new segment's video samples matched the same way.",
      `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared, noisy).`,
    ].join('\n        '),
    [
      `a part is listed when the access unit after its last one arrives (the last one's duration is the next dts minus its own),`,
      `i.e. one frame after its last frame, one part duration after its first: per-AU waits run from one frame (${frameMs.toFixed(1)} ms) to one part;`,
      `expected per-AU median ≈ (part + frame) / 2 = ${((200 + frameMs) / 2).toFixed(0)} ms at 200 ms parts, ${((100 + frameMs) / 2).toFixed(0)} ms at 100 ms (3 frames a part); per-part ≈ one part.`,
      'the peer closes a segment at the next keyframe (GOP 1 s), so its per-AU waits run from one frame to one GOP: median ≈ 0.5 s.',
      `Glint's start is the hub hand-off (after RTMP parsing); the peer's is the write to its stdin (before FLV parsing): the peer's figure includes its demuxing.`,
      ...delays.map(
        (d) =>
          `Glint ${d.partTargetMs} ms: ${d.videoAus} access units in, ${d.skippedAus} never listed, ${d.unmatchedParts} parts unmatched by size, ${d.misalignedParts} misaligned by tfdt, ${d.clientErrors} client errors.`,
      ),
      `peer: ${peerDelay.videoAus} access units written, ${peerDelay.skippedAus} never listed, ${peerDelay.unmatchedSegments} segments unmatched by size, ${peerDelay.lostSegments} missed by the watcher.`,
      'one run on a shared two-core machine: compare medians and ratios, not single figures.',
    ],
  );
  const delayChart = await chartDelays(series, `one stream, 720p30; ${machine}; shared machine, one run`);

  const [glint1, glint4] = cpuRuns.glint as [CpuRun, CpuRun];
  const [peerCpu1, peerCpu4] = cpuRuns.peer as [CpuRun, CpuRun];
  const glintLabel = 'Glint (RTMP → hub → LL-HLS, 200 ms parts)';
  const rows = [
    { server: glintLabel, run: glint1, peer: peerCpu1 },
    { server: glintLabel, run: glint4, peer: peerCpu4 },
    { server: PEER_LABEL, run: peerCpu1 },
    { server: PEER_LABEL, run: peerCpu4 },
  ];
  printCpu(
    rows,
    [
      `Glint: process.cpuUsage() (user + system) of the Node process running Glint, read in 5 s slices over a`,
      `${CPU.windowMs / 1000} s window starting ${CPU.warmMs / 1000} s after every stream made its first part; no reader or client of ours attached;`,
      'a fresh Glint per run, its idle CPU read for 3 s before the publishers start.',
      'Peer: utime + stime of each ffmpeg HLS process from /proc/<pid>/stat (10 ms ticks), same window rule.',
      'Publishers (ffmpeg -re -c copy for Glint, this process replaying FLV for the peer) are other processes or',
      'excluded; encoding is done once before the runs, so no encoder CPU is in any figure.',
      `Machine: ${machine}; shared with other workers, so 5 s slices vary: the median slice is the steadier figure.`,
    ].join('\n        '),
    [
      "'outputs/s/str' = video parts (Glint) or segments (peer) listed per second per stream during the window: both kept real time.",
      `each stream beyond the first adds: Glint ${marginalPct(glint1, glint4).toFixed(2)} %, peer ${marginalPct(peerCpu1, peerCpu4).toFixed(2)} % of a core (4-stream total − 1-stream total, ÷ 3).`,
      `Glint idle, no stream: ${idlePct(glint1)} % (1-stream run), ${idlePct(glint4)} % (4-stream run) of a core; the per-stream figures include it.`,
      'Glint parses RTMP chunks and AMF; the peer reads bare FLV from a pipe: the protocol work is on Glint only.',
    ],
  );
  const cpuChart = await chartCpu(rows, `${machine}; shared machine, one run`);

  const json = writeResults('ingest', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    source: SOURCE,
    timing: TIMING,
    cpuTiming: CPU,
    peer: { label: PEER_LABEL, args: PEER_ARGS },
    delays: series.map((s, i) => ({ label: s.label, summary: summaries[i], valuesMs: s.valuesMs })),
    glintRuns: delays.map(({ auDelaysMs, partDelaysMs, clientDelaysMs, ...rest }) => rest),
    cpu: rows.map((r) => ({ server: r.server, ...r.run })),
  });
  process.stderr.write(`charts: ${delayChart}, ${cpuChart}\nnumbers: ${json}\n`);
}

function idlePct(run: CpuRun): string {
  return run.idle ? ((run.idle.cpuMs / run.idle.windowMs) * 100).toFixed(2) : '?';
}

async function glintDelay(source: string, partTargetMs: number): Promise<GlintDelayRun> {
  const p = progress(`glint delay ${partTargetMs} ms`);
  const run = await runGlintDelay(scratch, source, partTargetMs, TIMING, (t) => p.update(t));
  p.done(`${run.auDelaysMs.length} access units and ${run.clientDelaysMs.length} client answers in the window`);
  return run;
}

async function peerRun(flv: FlvFile, streams: number, measureDelay: boolean): Promise<PeerRun> {
  const p = progress(`peer ×${streams}`);
  const run = await runPeer(scratch, flv, streams, { measureDelay, timing: TIMING, ...CPU }, (t) => p.update(t));
  p.done(
    `${((run.cpu.cpu.cpuMs / run.cpu.cpu.windowMs / streams) * 100).toFixed(2)} % of a core per stream` +
      (run.delay ? `, ${run.delay.auDelaysMs.length} access units timed` : ''),
  );
  return run;
}

main()
  .then(() => {
    scratch.cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:ingest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    process.exit(1);
  });
