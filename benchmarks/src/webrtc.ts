/**
 * `npm run bench:webrtc`: (a) how many WebRTC viewers one core of Glint's SFU serves at 1.5 Mbit/s, per engine
 * (werift, then mediasoup with one worker when its worker is built), each against a bare UDP fan-out of the same
 * packets; (b) glass-to-glass latency WHIP → SFU → WHEP in Chromium, against the same
 * pages connected directly. Prints a table per measure, writes a chart per measure under benchmarks/results/.
 * Stops by itself (watchdog); kills every child process and browser and removes its temp folders, also on error.
 * `--only=fanout` or `--only=latency` runs one measure; BENCH_WEBRTC_CLIENT, BENCH_WEBRTC_ENGINES and
 * BENCH_WEBRTC_STEPS choose the fan-out's viewer client and narrow it (webrtc/fanout-env.ts).
 */
import { cpus, loadavg } from 'node:os';
import { readyMediasoup } from '@glint/media-server';
import type { Browser } from 'playwright-core';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { launchBrowser, type PageOrigin, startPageOrigin } from './webrtc/browser.ts';
import { type FanoutOptions, type FanoutPass, type FanoutRun, runFanout } from './webrtc/fanout.ts';
import { MEDIASOUP_WORKERS } from './webrtc/fanout-engines.ts';
import { fanoutEnv } from './webrtc/fanout-env.ts';
import { chartFanout, printFanout } from './webrtc/fanout-report.ts';
import { type LatencyOptions, type LatencyRun, runLatency } from './webrtc/latency.ts';
import { chartLatency, printLatency } from './webrtc/report.ts';
import { RTP_PACKET_BYTES } from './webrtc/source.ts';

// A fan-out pass starts no step after PASS_BUDGET_MS and ends within ~300 s; the latency measure takes ~100 s.
const PASS_BUDGET_MS = 240_000;
const ENV = fanoutEnv();
const FANOUT: FanoutOptions = {
  source: { seconds: 12, width: 1280, height: 720, fps: 30, videoKbps: 1500 },
  engines: ENV.engines ?? ['werift', 'mediasoup'],
  steps: ENV.steps ?? [25, 50, 100, 150, 200, 300, 400, 500],
  glintWindowMs: 10_000,
  peerWindowMs: 4000,
  warmMs: 2000,
  baselineMs: 5000,
  loadProcesses: 2,
  client: ENV.client,
  cpuLimitPct: 95,
  passBudgetMs: PASS_BUDGET_MS,
};
const WATCHDOG_MS = FANOUT.engines.length * 300_000 + 120_000;
const LATENCY: LatencyOptions = { warmMs: 3000, samples: 300, collectTimeoutMs: 30_000 };

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const scratch = new Scratch();
let browser: Browser | undefined;
let origin: PageOrigin | undefined;

// Playwright kills the browsers it launched when this process exits; Scratch kills our children and temp folders.
guardRun('bench:webrtc', scratch, WATCHDOG_MS);

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  let fanout: FanoutRun | undefined;
  const latency: LatencyRun[] = [];
  if (only !== 'latency') {
    const p = progress('fan-out');
    fanout = await runFanout(scratch, FANOUT, (t) => p.update(t));
    p.done(fanout.passes.map((pass) => `${pass.engine}: ${pass.stoppedBecause}`).join('; '));
    for (const { engine, reason } of fanout.skipped) {
      process.stderr.write(`[fan-out] ${engine} pass skipped: ${reason}\n`);
    }
  }
  if (only !== 'fanout') {
    const p = progress('latency');
    browser = await launchBrowser();
    origin = await startPageOrigin();
    const modes = readyMediasoup() ? (['sfu', 'mediasoup', 'direct'] as const) : (['sfu', 'direct'] as const);
    if (modes.length === 2) p.update('mediasoup latency run skipped: its worker is not built (npm run sfu:build)');
    for (const mode of modes) {
      latency.push(await runLatency(browser, origin, mode, LATENCY, (t) => p.update(t)));
    }
    p.done(`${latency.map((r) => `${r.mode}: ${r.latenciesMs.length} frames`).join(', ')}`);
    await browser.close();
    browser = undefined;
  }
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const shared = `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared with other workers, noisy: compare medians and ratios).`;
  const charts: string[] = [];
  if (fanout) {
    printFanout(fanout, (pass) => fanoutMethod(pass, shared), [LOAD_GEN_NOTE[FANOUT.client]], FANOUT.cpuLimitPct);
    charts.push(await chartFanout(fanout, `${machine}; shared machine, one run`));
  }
  if (latency.length > 0) {
    printLatency(
      latency,
      [
        'Two tabs of one headless Chromium (one clock). The publisher paints a 640x360 canvas every 33 ms with the',
        'current time (performance.timeOrigin + now(), ms mod 2^32) as 40 black/white 32-px cells ringed by a fixed',
        'border; canvas.captureStream(30) → RTCPeerConnection (H.264 preferred, 1.5 Mbit/s cap) → WHIP POST with the',
        'stream key. The viewer tab plays the WHEP stream muted; on each requestVideoFrameCallback it draws the frame to',
        'a canvas, reads the stamp (border + 8-bit check, else counted unreadable) and keeps',
        'timeOrigin + metadata.expectedDisplayTime − stamp, once per distinct stamp.',
        `${LATENCY.samples} frames after ${LATENCY.warmMs / 1000} s of warm-up from the first frame. Peer: the same pages connected directly, SDP passed by`,
        'Playwright (non-trickle): the latency of WebRTC itself (capture, encode, jitter buffer, decode, render).',
        'The SFU runs werift, then (when its worker is built) mediasoup with one worker; the WHIP leg is werift in both,',
        "mediasoup's packets crossing into its worker over loopback UDP.",
        shared,
      ].join('\n        '),
      [],
    );
    charts.push(await chartLatency(latency, `${machine}; shared machine, one run`));
  }
  const json = writeResults('webrtc', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    fanoutOptions: FANOUT,
    fanout,
    latencyOptions: LATENCY,
    latency,
  });
  process.stderr.write(`charts: ${charts.join(', ')}\nnumbers: ${json}\n`);
}

const LOAD_GEN_NOTE = {
  werift:
    "'load gen %' is the viewers' CPU (all load-generator processes): a werift client pays about what werift's SFU pays per packet, so past ~150 viewers the load generators share the machine's two cores with the server and loss may come from either side.",
  datachannel:
    "'load gen %' is the viewers' CPU (all load-generator processes, every thread): node-datachannel clients decrypt SRTP in libdatachannel's C++ threads and hand each packet to JS only to count it; they send no NACKs, so any packet lost on the way shows as lost.",
} as const;

const VIEWERS_METHOD = {
  werift: 'Viewers: werift clients (WHEP, ICE + DTLS + SRTP decrypt/auth, NACK, RTCP)',
  datachannel:
    'Viewers: node-datachannel 0.33 clients (libdatachannel: WHEP, ICE + DTLS + SRTP decrypt/auth in C++, receiver reports, no NACK)',
} as const;

/** The fan-out table's method: the same for both engines but for what the server is and how its CPU is read. */
function fanoutMethod(pass: FanoutPass, shared: string): string {
  const server =
    pass.engine === 'werift'
      ? [
          'The SFU (startWebrtcTestServer: Fastify + WHIP/WHEP routes + WeriftSfu, ICE-lite) runs in the benchmark',
          'process; its CPU is process.cpuUsage() (user + system, all threads)',
        ]
      : [
          `The SFU (startWebrtcTestServer with a MediasoupSfu of ${MEDIASOUP_WORKERS} worker: the same routes; the WHIP publisher is still a`,
          "werift peer in the benchmark process, which copies each packet once into the worker's loopback socket) forwards",
          'in the mediasoup-worker process; its CPU = this process (process.cpuUsage(): WHIP leg, copy, HTTP) + the worker',
          '(/proc/<pid>/stat utime + stime, 10 ms ticks), summed for the baseline and every step alike,',
        ];
  const counted =
    pass.packetsOutCounted === 'sent'
      ? 'pkts out/s = Σ packets handed to werift senders.'
      : 'pkts out/s = Σ packets the viewers received in the window (mediasoup exposes no per-viewer counts here).';
  return [
    `ffmpeg sends a pre-encoded ${FANOUT.source.width}x${FANOUT.source.height} ${FANOUT.source.fps} fps H.264 (constrained baseline, 1 s GOP,`,
    `${FANOUT.source.videoKbps} kb/s CBR) as RTP (${RTP_PACKET_BYTES}-byte payloads) in real time, looped, to a werift client in a child process that`,
    'publishes it over WHIP.',
    ...server,
    `over a steady window read in 1 s slices: ${FANOUT.glintWindowMs / 1000} s for Glint, ${FANOUT.peerWindowMs / 1000} s for the peer, after ${FANOUT.warmMs / 1000} s of warm-up once`,
    'every viewer got packets.',
    `${VIEWERS_METHOD[FANOUT.client]} in ${FANOUT.loadProcesses} child processes, counting`,
    'RTP sequence numbers: lost = sequence span − distinct packets received in the window; lossy/stalled = viewers',
    `that lost any / got none (or were dropped by the SFU). ${counted}`,
    'µs/pkt = (% core − publisher-only baseline) ÷ packets out/s: the marginal CPU per forwarded packet.',
    "Peer, same pass, process and publisher, its steps run just before the pass's first viewer connects (with",
    "viewers connected, the SFU's forwarding would count in its window): each packet sent with dgram to N plain",
    'UDP sockets in the load generators, one connected socket per receiver as the SFU has (no DTLS/SRTP/RTCP, no',
    'per-viewer copy, no RTP rewrite): the floor cost of a UDP send in Node (its baseline: this process alone).',
    `Each engine's pass has its own server, publisher and load generators, and ${PASS_BUDGET_MS / 1000} s to start steps. Steps stop when the`,
    `SFU passes ${FANOUT.cpuLimitPct} % of one core or a viewer loses packets.`,
    shared,
  ].join('\n        ');
}

async function cleanUp(): Promise<void> {
  await browser?.close().catch(() => {});
  await origin?.close().catch(() => {});
  scratch.cleanUp();
}

main()
  .then(async () => {
    await cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `bench:webrtc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await cleanUp();
    process.exit(1);
  });
