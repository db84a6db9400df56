/**
 * `npm run bench:packager`: what the LL-HLS packager costs to run and how fast it answers a crowd of blocked playlist
 * requests, each beside a peer measured in the same run. Prints a table per measure and writes a chart per measure
 * under benchmarks/results/. Stops by itself (watchdog) and removes its scratch files.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { type Fixture, makeFixture } from '@glint/testkit';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import type { BlockedBench } from './packager/blocked-server.ts';
import { chartBlocked, peerRatioNote, printBlocked, summarizeBlocked } from './packager/report-blocked.ts';
import { reportMux } from './packager/report-mux.ts';
import { GOAL_HELD, PEER_LABEL, runBlocked } from './packager/run-blocked.ts';
import { runMux } from './packager/run-mux.ts';

const WATCHDOG_MS = 175_000;
const MEDIA = { seconds: 20, width: 1280, height: 720, fps: 30, videoKbps: 3000, audioKbps: 128 } as const;

let media: Fixture | null = null;
let bench: BlockedBench | null = null;

function cleanUp(): void {
  bench?.kill();
  if (media) rmSync(media.dir, { recursive: true, force: true });
  media = null;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
setTimeout(() => {
  process.stderr.write(`\nbench:packager: watchdog fired after ${WATCHDOG_MS / 1000} s; stopping\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const p = progress('media');
  p.update(`encoding ${MEDIA.seconds} s of ${MEDIA.width}x${MEDIA.height} test media with ffmpeg`);
  media = makeFixture({ ...MEDIA, noise: true });
  p.done(`${media.video.length} video access units, ${media.audio.length} AAC frames`);

  const mux = runMux(media);
  const muxReport = await reportMux(mux);

  const blocked = await runBlocked(media, (b) => {
    bench = b;
  });
  bench = null;
  const labels = [...new Set(blocked.rounds.map((r) => `${r.label}|${r.requests}`))];
  const summaries = labels.map((key) => {
    const rounds = blocked.rounds.filter((r) => `${r.label}|${r.requests}` === key);
    const label = rounds[0]?.label ?? key;
    return summarizeBlocked(label, rounds, blocked.retried[`${label} (${rounds[0]?.requests ?? 0})`] ?? 0);
  });
  const l = blocked.limits;
  printBlocked(
    summaries,
    [
      'One LivePackager fed in real time (access units pushed at their timestamps, 200 ms parts, 1 s segments),',
      'served by node:http + LlhlsHttp on 127.0.0.1. A load generator in a child process (raw TCP sockets, one',
      'keep-alive connection per request unless pipelined) parks N GET video/index.m3u8?_HLS_msn=M&_HLS_part=P for',
      'a part not yet made; the server checks blockedCount = N before it lands (lead: 1 part, or more when parking',
      'N takes longer than a part). Delay per response = client read time − time the part landed in the packager',
      '(listener registered before LlhlsHttp), both on CLOCK_MONOTONIC (process.hrtime) shared by the processes.',
      `Server and load generator share ${machine}.`,
    ].join('\n        '),
    [
      ...peerRatioNote(summaries, PEER_LABEL),
      `descriptor limit (RLIMIT_NOFILE, hard): server ${l.serverFdLimit}, load generator ${l.clientFdLimit}; raising it is not permitted here.`,
      `one socket per request: at most ${l.maxSockets.toLocaleString('en-US')} held (limit − ${l.serverOpenFds} open − 64 reserve); ${GOAL_HELD.toLocaleString('en-US')} held via pipelining.`,
      `connecting ${l.connected.toLocaleString('en-US')} sockets took ${(l.connectMs / 1000).toFixed(1)} s.`,
      'every measured round had blockedCount = N when the part landed; a round where it did not was retried with a longer lead.',
      "'end() loop ms' = part landed → LlhlsHttp's change listener returned; 'server finish' = res 'finish' events.",
    ],
  );
  const blockedChart = await chartBlocked(blocked.rounds, `server and load generator on one machine: ${machine}`);

  const json = writeResults('packager', {
    machine,
    media: {
      ...media.spec,
      videoKbps: media.videoKbps,
      audioKbps: media.audioKbps,
      seconds: media.duration90k / 90000,
    },
    mux: { method: mux.method, rawCpuMs: mux.raw, summaries: muxReport.summaries },
    blocked: {
      limits: blocked.limits,
      configs: blocked.configs,
      summaries,
      rounds: blocked.rounds.map(({ recvMs, finishMs, ...r }) => r),
    },
  });
  process.stderr.write(`charts: ${muxReport.chart}, ${blockedChart}\nnumbers: ${json}\n`);
}

main()
  .then(() => {
    cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:packager failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    cleanUp();
    process.exit(1);
  });
