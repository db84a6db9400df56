/**
 * What archiving costs per stream-hour: a whole broadcast's segments (the source and its ladder, audio) pushed into
 * Glint's archive (Vod.sinkFor: the packager's hot-path call, then hash, temp file, fsync, rename, fsync the folder,
 * one index row in SQLite) as fast as it drains, against peers writing the same bytes in the same run: a plain
 * writeFile per segment (no durability, no index: the floor) and writeFile + fsync (what durability costs alone).
 * Segment bytes are random (the archive never parses them), sized as the renditions' bit rates give.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompletedSegment } from '@glint/llhls-packager';
import { silentLogger } from '@glint/media-core';
import { Vod } from '@glint/media-server';
import { Platform } from '@glint/platform';
import type { Scratch } from '../lib/scratch.ts';

export interface ArchiveBenchOptions {
  readonly scratch: Scratch;
  /** Stream minutes archived per method (the figures are scaled to an hour). */
  readonly minutes: number;
  readonly step: (text: string) => void;
}

export interface ArchiveMethodRun {
  readonly method: 'glint' | 'writeFile' | 'writeFile+fsync';
  readonly segments: number;
  readonly bytes: number;
  readonly wallMs: number;
  /** CPU (user + system) of this process over the run, ms. */
  readonly cpuMs: number;
  /** Glint only: time spent inside the packager's call (enqueue), µs per segment, median and max. */
  readonly hotPathUsP50?: number;
  readonly hotPathUsMax?: number;
  readonly skipped?: number;
}

/** Bytes per one-second segment: 1080p30 6 Mbit/s source, 720p 2.5, 480p 1.2, 360p 0.7, AAC 128 kbit/s. */
export const ARCHIVE_RENDITIONS = [
  { name: 'video', bytes: 750_000 },
  { name: '720p', bytes: 312_500 },
  { name: '480p', bytes: 150_000 },
  { name: '360p', bytes: 87_500 },
  { name: 'audio', bytes: 16_000 },
] as const;

export async function runArchiveBench(options: ArchiveBenchOptions): Promise<ArchiveMethodRun[]> {
  const seconds = Math.round(options.minutes * 60);
  // One pool of random bytes; each segment is a slice (the archive hashes and writes whatever it gets).
  const pool = randomBytes(1_000_000);
  const init = randomBytes(800);
  const runs: ArchiveMethodRun[] = [];
  runs.push(await runPeer(options, seconds, pool, false));
  runs.push(await runPeer(options, seconds, pool, true));
  runs.push(await runGlint(options, seconds, pool, init));
  return runs;
}

async function runGlint(
  options: ArchiveBenchOptions,
  seconds: number,
  pool: Buffer,
  init: Buffer,
): Promise<ArchiveMethodRun> {
  const dir = options.scratch.dir('glint-bench-archive-');
  const platform = await Platform.open({
    databaseUrl: `sqlite:${join(dir, 'glint.db')}`,
    logger: silentLogger,
    reconnectGraceMs: 1000,
  });
  await platform.seedChannel('bench', 'Bench');
  platform.broadcasts.streamStarted('bench');
  const vod = new Vod({
    dataDir: join(dir, 'data'),
    index: platform.vods,
    onAir: (channel) => platform.broadcasts.onAir(channel),
    describe: () => undefined,
    logger: silentLogger,
    maxQueueBytes: 64 * 1024 * 1024,
    retentionMs: 0,
  });
  await vod.start();
  const sink = vod.sinkFor('bench');
  if (!sink) throw new Error('no archive sink');
  const hot: number[] = [];
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    for (const r of ARCHIVE_RENDITIONS) {
      const data = pool.subarray(0, r.bytes);
      const segment: CompletedSegment = {
        broadcastId: 'benchfolder',
        rendition: r.name,
        msn: s,
        durationSec: 1,
        programDateTimeMs: Date.now(),
        discontinuity: false,
        init,
        // A segment of five parts, as the packager hands them over.
        parts: [0, 1, 2, 3, 4].map((i) => data.subarray((i * r.bytes) / 5, ((i + 1) * r.bytes) / 5)),
      };
      const h = performance.now();
      sink.onSegment(segment);
      hot.push((performance.now() - h) * 1000);
      bytes += r.bytes;
    }
    // Keep well under the queue bound: the benchmark measures the cost of writing, not of skipping.
    if (vod.stats.queuedBytes > 16 * 1024 * 1024) await vod.drained();
    if (s % 30 === 0) options.step(`Glint archive: ${s} of ${seconds} stream seconds`);
  }
  await vod.drained();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const stats = vod.stats;
  await vod.close();
  await platform.close();
  hot.sort((a, b) => a - b);
  return {
    method: 'glint',
    segments: stats.writtenSegments,
    bytes,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    hotPathUsP50: hot[Math.floor(hot.length / 2)] ?? Number.NaN,
    hotPathUsMax: hot[hot.length - 1] ?? Number.NaN,
    skipped: stats.skippedSegments,
  };
}

async function runPeer(
  options: ArchiveBenchOptions,
  seconds: number,
  pool: Buffer,
  fsync: boolean,
): Promise<ArchiveMethodRun> {
  const dir = options.scratch.dir('glint-bench-archive-peer-');
  for (const r of ARCHIVE_RENDITIONS) mkdirSync(join(dir, r.name));
  let bytes = 0;
  let segments = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    for (const r of ARCHIVE_RENDITIONS) {
      const file = join(dir, r.name, `${s}.m4s`);
      await writeFile(file, pool.subarray(0, r.bytes));
      if (fsync) {
        const fd = openSync(file, 'r+');
        fsyncSync(fd);
        closeSync(fd);
      }
      bytes += r.bytes;
      segments++;
    }
    if (s % 30 === 0)
      options.step(`peer ${fsync ? 'writeFile+fsync' : 'writeFile'}: ${s} of ${seconds} stream seconds`);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    method: fsync ? 'writeFile+fsync' : 'writeFile',
    segments,
    bytes,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
