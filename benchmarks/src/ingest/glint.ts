import type { LiveStream, StreamReader } from '@glint/media-server';
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Scratch } from '../lib/scratch.ts';
import { AuQueue, inWindow, type Window, windowAfter, windowDone } from './au-queue.ts';
import { BlockingClient } from './blocking-client.ts';
import { type CpuWindow, sampleCpu, selfCpuMs } from './cpu.ts';
import { readTrackRuns } from './fmp4.ts';
import { publishRtmp } from './source.ts';

/** CPU is read in 5 s slices: /proc's 10 ms ticks make 1 s slices of a 0.5 % load meaningless. */
export const SLICE_MS = 5000;
const IDLE_MS = 3000;

export interface RunTiming {
  /** Left out after the first access unit enters. */
  readonly skipMs: number;
  readonly windowMs: number;
  /** A run that has not listed its window by `windowMs + graceMs` fails. */
  readonly graceMs: number;
}

async function startBenchGlint(channels: readonly string[], partTargetMs: number): Promise<TestGlint> {
  // Warnings go to the terminal as well: the person running the benchmark should see them.
  return startGlint(channels, { logLevel: 'warn', partTargetMs }, { echo: true });
}

/** A stop that hangs (a publisher's socket slow to close) must not hold the benchmark up. */
async function stopGlint(running: TestGlint): Promise<void> {
  await Promise.race([running.stop(), new Promise((resolve) => setTimeout(resolve, 3000))]);
}

export interface PartListed {
  readonly msn: number;
  readonly part: number;
  readonly firstEnteredMs: number;
  readonly listedMs: number;
}

export interface GlintDelayRun {
  readonly partTargetMs: number;
  readonly window: Window;
  /** Per access unit entering in the window: entered the hub → its part listed (ms). */
  readonly auDelaysMs: number[];
  /** Per part whose first access unit entered in the window: that entry → the part listed (ms). */
  readonly partDelaysMs: number[];
  /** Per part: its first access unit entered → a blocking request for it answered over HTTP (ms). */
  readonly clientDelaysMs: number[];
  /** Parts whose first sample's decode time did not match the access unit the count assigned to it. */
  readonly misalignedParts: number;
  /** Access units never listed, and parts whose sample sizes matched nothing that entered. */
  readonly skippedAus: number;
  readonly unmatchedParts: number;
  readonly clientErrors: number;
  readonly videoAus: number;
}

/**
 * One stream published by ffmpeg into Glint. A StreamReader stamps each video access unit as the hub hands it out;
 * the packager's change listener pops as many access units as the new video part holds samples.
 */
export async function runGlintDelay(
  scratch: Scratch,
  source: string,
  partTargetMs: number,
  timing: RunTiming,
  onProgress: (text: string) => void,
): Promise<GlintDelayRun> {
  const channel = 'bench';
  const running = await startBenchGlint([channel], partTargetMs);
  const queue = new AuQueue();
  const parts: PartListed[] = [];
  let misaligned = 0;
  let offset90k: number | null = null;
  let client: BlockingClient | null = null;
  let clientRun: Promise<void> | null = null;
  let detach = () => {};
  const publisher = publishRtmp(scratch, source, running.rtmp(channel));
  try {
    const attached = new Promise<void>((resolve) => {
      detach = running.glint.hub.onStreamStart((stream: LiveStream) => {
        if (stream.channelId !== channel) return;
        const packager = running.glint.outputs.get(channel)?.packager;
        if (!packager) throw new Error('no LL-HLS output for the stream');
        const reader: StreamReader = {
          onEvent: (event) => {
            if (event.kind === 'video') {
              queue.enter(event.au.dts90k / 90, event.au.data.byteLength, performance.now());
            }
          },
          onEnd: () => {},
        };
        stream.attach(reader);
        let seen = 0;
        packager.onChange(() => {
          const video = packager.rendition('video');
          if (!video) return;
          const now = performance.now();
          while (seen < video.nextPartId) {
            const id = seen++;
            const bytes = video.part(id)?.bytes;
            if (!bytes) continue;
            const runs = readTrackRuns(bytes);
            const first = queue.list(
              runs.flatMap((r) => r.sampleSizes),
              now,
            );
            const base = runs[0]?.baseDecodeTime;
            if (first && base !== undefined) {
              const off = Math.round(first.dtsMs * 90) - base;
              offset90k ??= off;
              if (Math.abs(off - offset90k) > 90) misaligned++;
            }
            // The newest part is the one this change announced; its position is the rendition's.
            if (first && id === video.nextPartId - 1) {
              const { msn, part } = video.position;
              parts.push({ msn, part, firstEnteredMs: first.enteredMs, listedMs: now });
            }
          }
        });
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out after 10 s waiting for the stream to start')), 10_000);
      void attached.then(() => {
        clearTimeout(timer);
        resolve();
      });
      void publisher.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`publisher exited (${code}) before the stream started: ${publisher.stderr()}`));
      });
    });
    client = new BlockingClient(running.http(`/live/${channel}/video/index.m3u8`));
    clientRun = client.run();
    const deadline = performance.now() + timing.skipMs + timing.windowMs + timing.graceMs + 5000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = performance.now();
      const first = queue.firstEnteredMs;
      if (first !== null) {
        const w = windowAfter(first, timing.skipMs, timing.windowMs);
        if (windowDone(queue, w, now)) break;
        onProgress(`${((now - first) / 1000).toFixed(1)} s streamed, ${queue.listed.length} access units listed`);
      }
      if (now > deadline) throw new Error(`Glint did not list the window in time; publisher: ${publisher.stderr()}`);
      if (publisher.process.exitCode !== null) throw new Error(`publisher ended early: ${publisher.stderr()}`);
    }
  } finally {
    detach();
    client?.stop();
    await clientRun;
    await scratch.stop(publisher);
    await stopGlint(running);
  }
  const w = windowAfter(queue.firstEnteredMs ?? 0, timing.skipMs, timing.windowMs);
  const listedOf = new Map(parts.map((p) => [`${p.msn}/${p.part}`, p]));
  return {
    partTargetMs,
    window: w,
    auDelaysMs: queue.listed.filter((a) => inWindow(a.enteredMs, w)).map((a) => a.listedMs - a.enteredMs),
    partDelaysMs: parts.filter((p) => inWindow(p.firstEnteredMs, w)).map((p) => p.listedMs - p.firstEnteredMs),
    clientDelaysMs: (client?.answers ?? []).flatMap((a) => {
      const p = listedOf.get(`${a.msn}/${a.part}`);
      return p && inWindow(p.firstEnteredMs, w) ? [a.receivedMs - p.firstEnteredMs] : [];
    }),
    misalignedParts: misaligned,
    skippedAus: queue.skipped,
    unmatchedParts: queue.unmatched,
    clientErrors: client?.errors ?? 0,
    videoAus: queue.entered,
  };
}

export interface CpuRun {
  readonly streams: number;
  readonly cpu: CpuWindow;
  /** Video parts (Glint) or segments (peer) made per second per stream during the window: proof it kept up. */
  readonly outputsPerSecPerStream: number;
  /** CPU (fraction of a core) of the server with no stream, measured just before the publishers start. */
  readonly idle: CpuWindow | null;
}

/** `streams` ffmpeg publishers into one Glint with no reader of ours attached; this process's CPU over the window. */
export async function runGlintCpu(
  scratch: Scratch,
  source: string,
  streams: number,
  warmMs: number,
  windowMs: number,
  onProgress: (text: string) => void,
): Promise<CpuRun> {
  const channels = Array.from({ length: streams }, (_, i) => `bench${i}`);
  const running = await startBenchGlint(channels, 200);
  onProgress(`measuring idle CPU over ${IDLE_MS / 1000} s`);
  const idle = await sampleCpu(selfCpuMs, IDLE_MS, SLICE_MS);
  const publishers = channels.map((c) => publishRtmp(scratch, source, running.rtmp(c)));
  const videoParts = () =>
    channels.reduce((n, c) => n + (running.glint.outputs.get(c)?.packager.rendition('video')?.nextPartId ?? 0), 0);
  const everyStreamHasParts = () =>
    channels.every((c) => (running.glint.outputs.get(c)?.packager.rendition('video')?.nextPartId ?? 0) > 0);
  try {
    await until(everyStreamHasParts, {
      what: `all ${streams} streams to produce parts`,
      detail: () => publishers.map((p) => p.stderr()).join(' '),
    });
    onProgress(`${streams} stream(s) live; warming up ${warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, warmMs));
    onProgress(`measuring CPU over ${windowMs / 1000} s`);
    const partsBefore = videoParts();
    const cpu = await sampleCpu(selfCpuMs, windowMs, SLICE_MS);
    const parts = videoParts() - partsBefore;
    for (const p of publishers) {
      if (p.process.exitCode !== null) throw new Error(`a publisher ended during the window: ${p.stderr()}`);
    }
    return { streams, cpu, outputsPerSecPerStream: parts / streams / (cpu.windowMs / 1000), idle };
  } finally {
    await Promise.all(publishers.map((p) => scratch.stop(p)));
    await stopGlint(running);
  }
}
