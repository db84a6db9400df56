import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { until } from '@glint/testkit';
import type { Child, Scratch } from '../lib/scratch.ts';
import { AuQueue, inWindow, type Window, windowAfter, windowDone } from './au-queue.ts';
import { procCpuMs, sampleCpu } from './cpu.ts';
import type { FlvFile } from './flv.ts';
import { sampleSizes } from './fmp4.ts';
import { type CpuRun, type RunTiming, SLICE_MS } from './glint.ts';

/** The peer: ffmpeg's HLS muxer, copying FLV from its stdin into 1 s fMP4 segments (cut at keyframes, GOP = 1 s). */
export const PEER_ARGS = [
  ...['-hide_banner', '-loglevel', 'error'],
  ...['-f', 'flv', '-i', 'pipe:0', '-map', '0:v', '-map', '0:a', '-c', 'copy'],
  ...['-f', 'hls', '-hls_time', '1', '-hls_segment_type', 'fmp4', '-hls_list_size', '10'],
  ...['-hls_flags', 'independent_segments+program_date_time', '-hls_fmp4_init_filename', 'init.mp4'],
  ...['-hls_segment_filename', 'seg%d.m4s', 'index.m3u8'],
];
/** `-map 0:v` first: video is track 1 of the fMP4 output. */
const PEER_VIDEO_TRACK = 1;
const PLAYLIST_POLL_MS = 10;

function startPeer(scratch: Scratch, dir: string): Child {
  return scratch.spawn('ffmpeg', PEER_ARGS, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** Replays FLV tags at their timestamps into a pipe, stamping each video frame as it is written. */
class FlvSender {
  readonly #flv: FlvFile;
  readonly #out: Writable;
  readonly #onFrame: (dtsMs: number, bytes: number, sentMs: number) => void;
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  #startMs = 0;
  writeErrors = 0;

  constructor(flv: FlvFile, out: Writable, onFrame: (dtsMs: number, bytes: number, sentMs: number) => void) {
    this.#flv = flv;
    this.#out = out;
    this.#onFrame = onFrame;
    out.on('error', () => {
      this.writeErrors++;
    });
  }

  get finished(): boolean {
    return this.#next >= this.#flv.tags.length;
  }

  start(): void {
    this.#startMs = performance.now();
    this.#out.write(this.#flv.header);
    this.#tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#next = this.#flv.tags.length;
  }

  #tick(): void {
    const tags = this.#flv.tags;
    const elapsed = performance.now() - this.#startMs;
    for (let tag = tags[this.#next]; tag && tag.timestampMs <= elapsed; tag = tags[++this.#next]) {
      this.#out.write(tag.bytes);
      if (tag.videoFrame) this.#onFrame(tag.timestampMs, tag.frameBytes, performance.now());
    }
    const next = tags[this.#next];
    if (next) this.#timer = setTimeout(() => this.#tick(), Math.max(0, next.timestampMs - elapsed));
  }
}

/** Notices each segment added to ffmpeg's playlist (fs.watch, and a 10 ms poll as a backstop) and reads it. */
class PlaylistWatcher {
  readonly #dir: string;
  readonly #onSegment: (bytes: Uint8Array, detectedMs: number) => void;
  #seen = 0;
  #last = '';
  #poll: NodeJS.Timeout | null = null;
  #watcher: FSWatcher | null = null;
  lostSegments = 0;

  constructor(dir: string, onSegment: (bytes: Uint8Array, detectedMs: number) => void) {
    this.#dir = dir;
    this.#onSegment = onSegment;
  }

  get segments(): number {
    return this.#seen;
  }

  start(): void {
    this.#watcher = watch(this.#dir, () => this.#check());
    this.#poll = setInterval(() => this.#check(), PLAYLIST_POLL_MS);
  }

  stop(): void {
    this.#watcher?.close();
    if (this.#poll) clearInterval(this.#poll);
  }

  #check(): void {
    const detectedMs = performance.now();
    let text: string;
    try {
      text = readFileSync(join(this.#dir, 'index.m3u8'), 'utf8');
    } catch {
      return; // not written yet
    }
    if (text === this.#last || !text.endsWith('\n')) return;
    this.#last = text;
    let mediaSequence = 0;
    const uris: string[] = [];
    let afterInf = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
      else if (line.startsWith('#EXTINF:')) afterInf = true;
      else if (afterInf && line !== '' && !line.startsWith('#')) {
        uris.push(line);
        afterInf = false;
      }
    }
    for (; this.#seen < mediaSequence + uris.length; this.#seen++) {
      const uri = uris[this.#seen - mediaSequence];
      if (!uri) {
        this.lostSegments++;
        continue;
      }
      this.#onSegment(readFileSync(join(this.#dir, uri)), detectedMs);
    }
  }
}

export interface PeerDelayRun {
  readonly window: Window;
  /** Per access unit written to the peer's stdin in the window: written → its segment listed (ms). */
  readonly auDelaysMs: number[];
  readonly videoAus: number;
  readonly lostSegments: number;
  /** Access units the peer never listed, and segments whose sample sizes matched nothing sent. */
  readonly skippedAus: number;
  readonly unmatchedSegments: number;
}

export interface PeerRun {
  readonly cpu: CpuRun;
  /** Delay measured on the first stream when asked for. */
  readonly delay: PeerDelayRun | null;
}

/**
 * `streams` peers, each its own ffmpeg fed by its own paced FLV sender. The first stream's access units are timed
 * when `measureDelay`; the peers' CPU (utime + stime from /proc) is sampled after the first segment and `warmMs`.
 */
export async function runPeer(
  scratch: Scratch,
  flv: FlvFile,
  streams: number,
  options: {
    readonly measureDelay: boolean;
    readonly timing: RunTiming;
    readonly warmMs: number;
    readonly windowMs: number;
  },
  onProgress: (text: string) => void,
): Promise<PeerRun> {
  const queue = new AuQueue();
  const peers = Array.from({ length: streams }, (_, i) => {
    const dir = scratch.dir(`glint-bench-peer${i}-`);
    const child = startPeer(scratch, dir);
    const stdin = child.process.stdin;
    if (!stdin) throw new Error('ffmpeg has no stdin pipe');
    const timed = options.measureDelay && i === 0;
    const sender = new FlvSender(flv, stdin, (dtsMs, bytes, sentMs) => {
      if (timed) queue.enter(dtsMs, bytes, sentMs);
    });
    const watcher = new PlaylistWatcher(dir, (bytes, detectedMs) => {
      if (timed) queue.list(sampleSizes(bytes, PEER_VIDEO_TRACK), detectedMs);
    });
    return { child, sender, watcher };
  });
  const details = () => peers.map((p) => p.child.stderr()).join(' ');
  try {
    for (const p of peers) {
      p.watcher.start();
      p.sender.start();
    }
    await until(() => peers.every((p) => p.watcher.segments > 0), {
      what: 'the peer to list a segment',
      timeoutMs: 15_000,
      detail: details,
    });
    onProgress(`${streams} peer(s) listing segments; warming up ${options.warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, options.warmMs));
    onProgress(`measuring peer CPU over ${options.windowMs / 1000} s`);
    const pids = peers.map((p) => p.child.process.pid ?? 0);
    const readCpu = () => pids.reduce((ms, pid) => ms + procCpuMs(pid), 0);
    const segmentsBefore = peers.reduce((n, p) => n + p.watcher.segments, 0);
    const cpu = await sampleCpu(readCpu, options.windowMs, SLICE_MS);
    const segments = peers.reduce((n, p) => n + p.watcher.segments, 0) - segmentsBefore;
    const perSec = segments / streams / (cpu.windowMs / 1000);
    const cpuRun: CpuRun = { streams, cpu, outputsPerSecPerStream: perSec, idle: null };
    if (!options.measureDelay) return { cpu: cpuRun, delay: null };
    const { skipMs, windowMs, graceMs } = options.timing;
    const first = queue.firstEnteredMs ?? 0;
    const w = windowAfter(first, skipMs, windowMs);
    const deadline = w.toMs + graceMs;
    await until(() => windowDone(queue, w, performance.now()), {
      what: 'the peer to list the window',
      timeoutMs: deadline - performance.now(),
      detail: details,
    });
    return {
      cpu: cpuRun,
      delay: {
        window: w,
        auDelaysMs: queue.listed.filter((a) => inWindow(a.enteredMs, w)).map((a) => a.listedMs - a.enteredMs),
        videoAus: queue.entered,
        lostSegments: peers[0]?.watcher.lostSegments ?? 0,
        skippedAus: queue.skipped,
        unmatchedSegments: queue.unmatched,
      },
    };
  } finally {
    for (const p of peers) {
      p.sender.stop();
      p.watcher.stop();
    }
    await Promise.all(peers.map((p) => scratch.stop(p.child)));
    if (peers.some((p) => p.sender.writeErrors > 0)) {
      process.stderr.write(`peer: writes to ffmpeg's stdin failed; its stderr: ${details()}\n`);
    }
  }
}
