import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { CompletedSegment, MultivariantModel } from '@glint/llhls-packager';
import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { makeTempDir, type TempDir, until } from '@glint/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStore } from '../storage/local-disk-store.ts';
import type { MediaStore } from '../storage/types.ts';
import { Archiver } from './archiver.ts';

const MODEL: MultivariantModel = {
  audio: [{ groupId: 'a', name: 'default', uri: 'audio/index.m3u8', channels: 2 }],
  variants: [
    {
      uri: 'video/index.m3u8',
      bandwidth: 1,
      averageBandwidth: 1,
      codecs: ['avc1.64001f', 'mp4a.40.2'],
      resolution: { width: 1280, height: 720 },
      frameRate: 30,
      audioGroupId: 'a',
    },
  ],
};

const INIT_A = new Uint8Array(Buffer.from('init-a'));
const INIT_B = new Uint8Array(Buffer.from('init-b'));

function seg(msn: number, options: Partial<CompletedSegment> = {}): CompletedSegment {
  return {
    broadcastId: 'folder1',
    rendition: 'video',
    msn,
    durationSec: 2,
    programDateTimeMs: 1_700_000_000_000 + msn * 2000,
    discontinuity: false,
    init: INIT_A,
    parts: [Buffer.from(`seg ${msn} part 0;`), Buffer.from(`seg ${msn} part 1`)],
    ...options,
  };
}

/** A store whose writes wait until the test opens the gate (a disk that stalls). */
class GatedStore implements MediaStore {
  readonly inner: MediaStore;
  #open!: () => void;
  gate = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  puts = 0;
  constructor(inner: MediaStore) {
    this.inner = inner;
  }
  open(): void {
    this.#open();
  }
  async put(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    this.puts += 1;
    await this.gate;
    return this.inner.put(key, bytes);
  }
  get = (key: string) => this.inner.get(key);
  size = (key: string) => this.inner.size(key);
  read = (key: string, range?: { start: number; end: number }) => this.inner.read(key, range);
  delete = (keys: readonly string[]) => this.inner.delete(keys);
}

describe('Archiver', () => {
  let dir: TempDir;
  let platform: Platform;
  let broadcastId: string;
  const onAir = () => ({ broadcastId });

  beforeEach(async () => {
    dir = makeTempDir('archive');
    platform = await Platform.open({ databaseUrl: 'sqlite::memory:', logger: silentLogger, reconnectGraceMs: 100 });
    await platform.seedChannel('alice', 'Alice');
    platform.broadcasts.streamStarted('alice');
    await platform.broadcasts.settled();
    broadcastId = platform.broadcasts.onAir('alice')?.broadcastId as string;
  });
  afterEach(async () => {
    await platform.close();
    dir.remove();
  });

  it("archives a broadcast's last segment completed after the broadcast ended (same packager folder), not another's", async () => {
    let live: string | undefined = broadcastId;
    const archiver = new Archiver({
      store: new LocalDiskStore(dir.path),
      index: platform.vods,
      onAir: () => (live === undefined ? undefined : { broadcastId: live }),
      describe: () => MODEL,
      logger: silentLogger,
      maxQueueBytes: 1 << 20,
    });
    const sink = archiver.sinkFor('alice');
    sink.onSegment(seg(0));
    // The reconnect grace ends: the platform ends the broadcast, then the packager completes its open segment.
    live = undefined;
    sink.onSegment(seg(1));
    // A segment of another packager folder with no broadcast on air belongs to nothing we know.
    sink.onSegment(seg(0, { broadcastId: 'folder9' }));
    await archiver.drained();
    expect((await platform.vods.segments(broadcastId, 'video')).map((s) => s.msn)).toEqual([0, 1]);
    expect(archiver.stats.skippedSegments).toBe(1);
  });

  it('stores each segment and its init once, indexes them in order with start times and discontinuities', async () => {
    const store = new LocalDiskStore(dir.path);
    const archiver = new Archiver({
      store,
      index: platform.vods,
      onAir,
      describe: () => MODEL,
      logger: silentLogger,
      maxQueueBytes: 1 << 20,
    });
    const sink = archiver.sinkFor('alice');
    sink.onSegment(seg(5));
    sink.onSegment(seg(6));
    sink.onSegment(seg(0, { rendition: 'audio', durationSec: 1.984 }));
    // A reconnect: a new packager folder, same platform broadcast.
    sink.onSegment(seg(0, { broadcastId: 'folder2' }));
    sink.onSegment(seg(1, { broadcastId: 'folder2', init: INIT_B }));
    sink.onSegment(seg(2, { broadcastId: 'folder2', init: INIT_B }));
    sink.onSegment(seg(3, { broadcastId: 'folder2', init: INIT_B, discontinuity: true }));
    await archiver.drained();

    const video = await platform.vods.segments(broadcastId, 'video');
    expect(video.map((s) => [s.seq, s.msn, s.startUs, s.discontinuity])).toEqual([
      [0, 5, 0, false],
      [1, 6, 2_000_000, false],
      [2, 0, 4_000_000, true],
      [3, 1, 6_000_000, true],
      [4, 2, 8_000_000, false],
      [5, 3, 10_000_000, true],
    ]);
    const hashA = createHash('sha256').update(INIT_A).digest('hex').slice(0, 16);
    const hashB = createHash('sha256').update(INIT_B).digest('hex').slice(0, 16);
    expect(video.map((s) => s.initKey)).toEqual([
      ...Array(3).fill(`vod/${broadcastId}/video/init-${hashA}.mp4`),
      ...Array(3).fill(`vod/${broadcastId}/video/init-${hashB}.mp4`),
    ]);
    for (const s of video) {
      const bytes = readFileSync(dir.file(s.key));
      expect(bytes.toString()).toBe(`seg ${s.msn} part 0;seg ${s.msn} part 1`);
      expect(s.bytes).toBe(bytes.length);
      expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(
      readdirSync(dir.file(`vod/${broadcastId}/video`))
        .filter((f) => f.startsWith('init-'))
        .sort(),
    ).toEqual([`init-${hashA}.mp4`, `init-${hashB}.mp4`].sort());
    const audio = await platform.vods.segments(broadcastId, 'audio');
    expect(audio.map((s) => [s.seq, s.durationUs])).toEqual([[0, 1_984_000]]);
    expect(await platform.vods.renditions(broadcastId)).toEqual([
      { broadcastId, rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', channels: 2 },
      { broadcastId, rendition: 'video', kind: 'video', codec: 'avc1.64001f', width: 1280, height: 720, frameRate: 30 },
    ]);
    expect(archiver.stats).toMatchObject({ queuedBytes: 0, writtenSegments: 7, skippedSegments: 0, failedWrites: 0 });
  });

  it('continues seq and start from the index in a new process, with a discontinuity', async () => {
    const store = new LocalDiskStore(dir.path);
    const options = {
      store,
      index: platform.vods,
      onAir,
      describe: () => MODEL,
      logger: silentLogger,
      maxQueueBytes: 1 << 20,
    };
    const first = new Archiver(options);
    first.sinkFor('alice').onSegment(seg(1));
    first.sinkFor('alice').onSegment(seg(2));
    await first.drained();
    const second = new Archiver(options);
    second.sinkFor('alice').onSegment(seg(3));
    second.sinkFor('alice').onSegment(seg(4));
    await second.drained();
    const video = await platform.vods.segments(broadcastId, 'video');
    expect(video.map((s) => [s.seq, s.startUs, s.discontinuity])).toEqual([
      [0, 0, false],
      [1, 2_000_000, false],
      [2, 4_000_000, true],
      [3, 6_000_000, false],
    ]);
  });

  it('a stalled store: the queue never holds more than maxQueueBytes, the rest is skipped, then a discontinuity', async () => {
    const store = new GatedStore(new LocalDiskStore(dir.path));
    const one = seg(0).parts.reduce((n, p) => n + p.byteLength, 0);
    const maxQueueBytes = one * 5;
    const archiver = new Archiver({
      store,
      index: platform.vods,
      onAir,
      describe: () => MODEL,
      logger: silentLogger,
      maxQueueBytes,
    });
    const sink = archiver.sinkFor('alice');
    let peak = 0;
    for (let msn = 0; msn < 2000; msn++) {
      // Returns at once, whatever the store does.
      sink.onSegment(seg(msn));
      peak = Math.max(peak, archiver.stats.queuedBytes);
    }
    expect(peak).toBeLessThanOrEqual(maxQueueBytes);
    expect(archiver.stats.skippedSegments).toBeGreaterThanOrEqual(2000 - 5);
    store.open();
    await until(() => archiver.stats.queuedBytes === 0, { what: 'the queue to drain' });
    sink.onSegment(seg(5000));
    await archiver.drained();
    const video = await platform.vods.segments(broadcastId, 'video');
    expect(video.map((s) => [s.msn, s.discontinuity])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5000, true],
    ]);
    expect(archiver.stats).toMatchObject({ writtenSegments: 6, skippedSegments: 1995, failedWrites: 0 });
  });

  it('a failing write skips the segment, records the error, and the next one starts a discontinuity', async () => {
    const store = new LocalDiskStore(dir.path);
    let failing = false;
    const flaky: MediaStore = {
      put: async (key, bytes) => {
        if (failing && key.endsWith('.m4s'))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return store.put(key, bytes);
      },
      get: (k) => store.get(k),
      size: (k) => store.size(k),
      read: (k, r) => store.read(k, r),
      delete: (k) => store.delete(k),
    };
    const lines: { fields: object; message: string | undefined }[] = [];
    const logger = { ...silentLogger, error: (fields: object, message?: string) => lines.push({ fields, message }) };
    const archiver = new Archiver({
      store: flaky,
      index: platform.vods,
      onAir,
      describe: () => MODEL,
      logger,
      maxQueueBytes: 1 << 20,
    });
    const sink = archiver.sinkFor('alice');
    sink.onSegment(seg(0));
    await archiver.drained();
    failing = true;
    for (let msn = 1; msn <= 20; msn++) sink.onSegment(seg(msn));
    await archiver.drained();
    failing = false;
    sink.onSegment(seg(21));
    await archiver.drained();
    const video = await platform.vods.segments(broadcastId, 'video');
    expect(video.map((s) => [s.msn, s.discontinuity])).toEqual([
      [0, false],
      [21, true],
    ]);
    expect(archiver.stats).toMatchObject({ writtenSegments: 2, skippedSegments: 20, failedWrites: 20 });
    expect(archiver.stats.lastError?.message).toMatch(/^ENOSPC/);
    // Rate-limited: not a line per failed segment.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
  });
});
