/**
 * The ladder with a real ffmpeg: a 720p30 source with B-frames and a 1 s GOP, replayed in real time, becomes 480p
 * and 360p rungs that ffprobe decodes at their sizes, with no B-frames and keyframes on the source's keyframes, on
 * the source's clock. Killing ffmpeg brings the rungs back; closing leaves no process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { VideoAccessUnit } from '@glint/media-core';
import { ffprobe, makeTempDir, until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSourceClip, type Playback, playSource, type SourceClip } from '../../../test/ladder-source.ts';
import { LiveStream } from '../../stream/live-stream.ts';
import { Ladder } from './ladder.ts';
import { parseLadderSpec } from './ladder-spec.ts';
import type { LadderRung } from './types.ts';

const SPEC = parseLadderSpec('720p30:2500,480p30:1200,360p30:700');
const dir = makeTempDir('ladder-int');
let clip: SourceClip;

beforeAll(async () => {
  clip = await encodeSourceClip(1280, 720, 4);
}, 30_000);
afterAll(() => dir.remove());

interface Collected {
  readonly rung: LadderRung;
  readonly aus: VideoAccessUnit[];
  ended: boolean;
}

function collect(ladder: Ladder): Collected[] {
  const out: Collected[] = [];
  ladder.onRung((rung) => {
    const c: Collected = { rung, aus: [], ended: false };
    out.push(c);
    rung.stream.attach({
      onEvent: (e) => {
        if (e.kind === 'video' && c.aus.length < 10_000) c.aus.push(e.au);
      },
      onEnd: () => {
        c.ended = true;
      },
    });
  });
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds a process has used (utime + stime from /proc, Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function probe(file: string): { width: number; height: number; frames: { pict_type: string; key_frame: number }[] } {
  const { json } = ffprobe([
    '-show_entries',
    'stream=width,height:frame=pict_type,key_frame',
    '-select_streams',
    'v:0',
    file,
  ]);
  const j = json as {
    streams: { width: number; height: number }[];
    frames: { pict_type: string; key_frame: number }[];
  };
  return { width: j.streams[0]!.width, height: j.streams[0]!.height, frames: j.frames };
}

describe('Ladder (real ffmpeg)', () => {
  let source: LiveStream;
  let playback: Playback;
  let ladder: Ladder;
  let rungs: Collected[];

  beforeAll(() => {
    source = new LiveStream('chan-1', 'rtmp', Date.now(), (e) => {
      throw e;
    });
    ladder = new Ladder({ source, spec: SPEC });
    rungs = collect(ladder);
    playback = playSource(source, clip);
  });
  afterAll(async () => {
    playback.stop();
    await ladder.close();
  });

  it('makes 480p and 360p rungs (none at the source height) that decode at their sizes, without B-frames', async () => {
    await until(() => rungs.length === 2 && rungs.every((r) => r.aus.length >= 90), {
      what: 'three seconds of both rungs',
      timeoutMs: 20_000,
    });
    expect(ladder.rungs().map((r) => [r.name, r.width, r.height, r.fps])).toEqual([
      ['480p', 854, 480, 30],
      ['360p', 640, 360, 30],
    ]);
    for (const c of rungs) {
      expect(c.rung.stream.channelId).toBe('chan-1');
      expect(c.rung.stream.source).toBe('pipe');
      const file = dir.file(`${c.rung.name}.h264`);
      writeFileSync(file, Buffer.concat(c.aus.map((a) => a.data)));
      const p = probe(file);
      expect([p.width, p.height]).toEqual([c.rung.width, c.rung.height]);
      expect(p.frames.length).toBeGreaterThanOrEqual(c.aus.length - 1);
      expect(p.frames.filter((f) => f.pict_type === 'B')).toEqual([]);
      expect(c.aus[0]!.keyframe).toBe(true);
    }
  }, 30_000);

  it('puts rung frames on source frames: same pts90k, keyframes exactly at the source keyframes', () => {
    const sourcePts = new Set(playback.pushed.map((a) => a.pts90k));
    const sourceKeys = playback.pushed.filter((a) => a.keyframe).map((a) => a.pts90k);
    for (const c of rungs) {
      const first = c.aus[0]!.pts90k;
      const last = c.aus[c.aus.length - 1]!.pts90k;
      expect(c.aus.every((a) => sourcePts.has(a.pts90k) && a.dts90k === a.pts90k)).toBe(true);
      for (let i = 1; i < c.aus.length; i++) expect(c.aus[i]!.pts90k).toBeGreaterThan(c.aus[i - 1]!.pts90k);
      const rungKeys = c.aus.filter((a) => a.keyframe).map((a) => a.pts90k);
      expect(rungKeys).toEqual(sourceKeys.filter((k) => k >= first && k <= last));
      expect(rungKeys.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('reports its load; ffmpeg keeps up with a real-time source', async () => {
    const pid = ladder.stats.pid!;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const latencies: number[] = [];
    await until(
      () => {
        latencies.push(ladder.stats.latencyMs);
        return performance.now() - t0 > 3000;
      },
      { what: '3 s of load samples', intervalMs: 100 },
    );
    const cpuPercent = ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    const stats = ladder.stats;
    latencies.sort((a, b) => a - b);
    console.log(
      `ladder 720p30 -> 480p+360p: ffmpeg CPU ${cpuPercent.toFixed(0)} %, latency median ${latencies[latencies.length >> 1]} ms ` +
        `max ${latencies[latencies.length - 1]} ms, lag ${stats.lagMs} ms, real-time factor ${stats.realtimeFactor.toFixed(2)}`,
    );
    expect(stats.restarts).toBe(0);
    expect(stats.shedRungs).toBe(0);
    expect(stats.realtimeFactor).toBeGreaterThan(0.5);
    expect(stats.lagMs).toBeLessThan(1500);
  }, 15_000);

  it('restarts a killed ffmpeg: new rung streams within 3 s, starting on a source keyframe', async () => {
    const pid = ladder.stats.pid!;
    const before = rungs.length;
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    await until(() => rungs.slice(0, before).every((r) => r.ended), { what: 'the old rungs to end' });
    await until(() => rungs.length === before + 2 && rungs.slice(before).every((r) => r.aus.length > 0), {
      what: 'the rungs back',
      timeoutMs: 10_000,
    });
    const backMs = performance.now() - killedAt;
    console.log(`ladder restart: rungs back ${backMs.toFixed(0)} ms after SIGKILL`);
    expect(backMs).toBeLessThan(3000);
    const sourceKeys = new Set(playback.pushed.filter((a) => a.keyframe).map((a) => a.pts90k));
    for (const c of rungs.slice(before)) {
      expect(c.aus[0]!.keyframe).toBe(true);
      expect(sourceKeys.has(c.aus[0]!.pts90k)).toBe(true);
    }
    expect(ladder.stats.restarts).toBe(1);
    expect(ladder.stats.pid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
  }, 20_000);

  it('closes: rungs end, ffmpeg is gone (reaped)', async () => {
    const pid = ladder.stats.pid!;
    await ladder.close();
    expect(isAlive(pid)).toBe(false);
    expect(rungs.every((r) => r.ended)).toBe(true);
    expect(ladder.rungs()).toEqual([]);
  });
});

describe('Ladder without rungs', () => {
  it('`source` starts no ffmpeg', async () => {
    const source = new LiveStream('chan-2', 'rtmp', Date.now(), () => {});
    const ladder = new Ladder({ source, spec: parseLadderSpec('source') });
    const playback = playSource(source, clip);
    await until(() => playback.pushed.length > 40, { what: 'frames pushed' });
    expect(ladder.rungs()).toEqual([]);
    expect(ladder.stats.pid).toBeUndefined();
    playback.stop();
    source.end('unpublish');
    await ladder.close();
  });
});

describe('Ladder under overload and at the source end', () => {
  it('sheds the top rung when ffmpeg lags too long, then the next; with none left, no ffmpeg', async () => {
    const source = new LiveStream('chan-3', 'rtmp', Date.now(), () => {});
    // Any lag counts as overload here, so the shedding runs its course in seconds.
    const ladder = new Ladder({ source, spec: SPEC, overload: { maxLagMs: 0, forMs: 800 } });
    const rungs = collect(ladder);
    const playback = playSource(source, clip);
    try {
      await until(() => ladder.stats.shedRungs === 2 && ladder.stats.pid === undefined, {
        what: 'both rungs shed',
        timeoutMs: 15_000,
      });
      expect(rungs.map((r) => r.rung.name)).toEqual(['480p', '360p', '360p']);
      expect(rungs.every((r) => r.ended)).toBe(true);
      expect(ladder.rungs()).toEqual([]);
      expect(ladder.stats.restarts).toBe(0);
    } finally {
      playback.stop();
      await ladder.close();
    }
  }, 20_000);

  it('ends the rungs and kills ffmpeg when the source ends', async () => {
    const source = new LiveStream('chan-4', 'rtmp', Date.now(), () => {});
    const ladder = new Ladder({ source, spec: parseLadderSpec('360p30:700') });
    const rungs = collect(ladder);
    const playback = playSource(source, clip);
    await until(() => (rungs[0]?.aus.length ?? 0) > 10, { what: 'the 360p rung', timeoutMs: 15_000 });
    const pid = ladder.stats.pid!;
    playback.stop();
    source.end('unpublish');
    expect(rungs[0]!.ended).toBe(true);
    await until(() => !isAlive(pid), { what: 'ffmpeg gone' });
    expect(ladder.stats.pid).toBeUndefined();
  }, 20_000);
});

describe('Ladder under a faster source', () => {
  it('halves a 60 fps source for a 30 fps rung, keeping every source keyframe and source timestamps', async () => {
    const fast = await encodeSourceClip(640, 360, 3, 60);
    const source = new LiveStream('chan-5', 'rtmp', Date.now(), () => {});
    const ladder = new Ladder({ source, spec: parseLadderSpec('180p30:300') });
    const rungs = collect(ladder);
    const playback = playSource(source, fast);
    try {
      await until(() => (rungs[0]?.aus.length ?? 0) >= 75, { what: '2.5 s of the 180p rung', timeoutMs: 15_000 });
      expect(ladder.rungs().map((r) => [r.width, r.height, r.fps])).toEqual([[320, 180, 30]]);
      const aus = rungs[0]!.aus;
      const sourcePts = new Set(playback.pushed.map((a) => a.pts90k));
      expect(aus.every((a) => sourcePts.has(a.pts90k))).toBe(true);
      const first = aus[0]!.pts90k;
      const last = aus[aus.length - 1]!.pts90k;
      const inRange = playback.pushed.filter((a) => a.pts90k >= first && a.pts90k <= last);
      expect(aus.length).toBeLessThan(inRange.length * 0.6);
      const keys = inRange
        .filter((a) => a.keyframe)
        .map((a) => a.pts90k)
        .sort((a, b) => a - b);
      expect(aus.filter((a) => a.keyframe).map((a) => a.pts90k)).toEqual(keys);
    } finally {
      playback.stop();
      await ladder.close();
    }
  }, 30_000);
});
