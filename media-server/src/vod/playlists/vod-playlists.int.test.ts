/**
 * The VOD playlists from the real archive index (SQLite and PostgreSQL): DVR (EVENT) while recording, rendered once
 * per new segment, VOD once ended, cached and settled; a bad segment after `forget`; a 6-hour broadcast's playlists,
 * timed (printed, not asserted: the machine is shared).
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '@glint/media-core';
import { Platform, type VodSegment } from '@glint/platform';
import { until } from '@glint/testkit';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVodMediaPlaylist } from './vod-media-playlist.ts';
import { VodPlaylists } from './vod-playlists.ts';

const RENDITIONS = [
  { rendition: 'video', kind: 'video', codec: 'avc1.64001f', width: 1280, height: 720, frameRate: 30 },
  { rendition: '480p', kind: 'video', codec: 'avc1.64001e', width: 854, height: 480, frameRate: 30 },
  { rendition: '360p', kind: 'video', codec: 'avc1.640015', width: 640, height: 360, frameRate: 30 },
  { rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', channels: 2 },
] as const;

function segment(broadcastId: string, rendition: string, seq: number): Omit<VodSegment, 'ok'> {
  return {
    broadcastId,
    rendition,
    seq,
    msn: seq,
    startUs: seq * 1_000_000,
    durationUs: 1_000_000,
    programDateTimeMs: 1_800_000_000_000 + seq * 1000,
    discontinuity: false,
    key: `vod/${broadcastId}/${rendition}/${seq}.m4s`,
    initKey: `vod/${broadcastId}/${rendition}/init-0123456789abcdef.mp4`,
    bytes: rendition === 'audio' ? 16_000 : 250_000 + (seq % 7) * 1000,
    sha256: 'ab'.repeat(32),
  };
}

function mediaOf(body: Buffer): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  const parsed = HLS.parse(body.toString());
  if (parsed.isMasterPlaylist) throw new Error('a multivariant playlist');
  return parsed as HLS.types.MediaPlaylist;
}

describe.each(TEST_DIALECTS)('VOD playlists on %s', (dialect) => {
  let database: TestDatabase;
  let platform: Platform;
  let nowMs = 1_800_000_000_000;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    platform = await Platform.open({
      databaseUrl: database.url,
      logger: silentLogger,
      reconnectGraceMs: 20,
      nowMs: () => nowMs,
    });
  });
  afterAll(async () => {
    await platform?.close();
    await database?.drop();
  });

  async function startBroadcast(channel: string): Promise<string> {
    await platform.seedChannel(channel, channel);
    platform.broadcasts.streamStarted(channel);
    await platform.broadcasts.settled();
    const id = platform.broadcasts.onAir(channel)?.broadcastId;
    if (!id) throw new Error('no broadcast');
    for (const r of RENDITIONS) await platform.vods.putRendition({ broadcastId: id, ...r });
    return id;
  }

  async function endBroadcast(channel: string): Promise<void> {
    platform.broadcasts.streamEnded(channel);
    await until(() => (platform.broadcasts.onAir(channel) ? undefined : true), { what: 'the broadcast to end' });
    await platform.broadcasts.settled();
  }

  it('DVR while recording (rendered once per new segment), VOD once ended, then settled in the cache', async () => {
    const id = await startBroadcast('alice');
    for (let seq = 0; seq < 3; seq++) await platform.vods.addSegment(segment(id, 'video', seq));
    const playlists = new VodPlaylists({ index: platform.vods, refreshMs: 0, settleMs: 30_000, nowMs: () => nowMs });

    const event = await playlists.media(id, 'video');
    expect(event?.ended).toBe(false);
    const parsed = mediaOf(event?.body ?? Buffer.alloc(0));
    expect(parsed.playlistType).toBe('EVENT');
    expect(parsed.endlist).toBe(false);
    expect(parsed.segments).toHaveLength(3);

    const renders = playlists.stats.renders;
    for (let i = 0; i < 5; i++) expect((await playlists.media(id, 'video'))?.etag).toBe(event?.etag);
    expect(playlists.stats.renders).toBe(renders);
    await platform.vods.addSegment(segment(id, 'video', 3));
    const grown = await playlists.media(id, 'video');
    expect(playlists.stats.renders).toBe(renders + 1);
    expect(grown?.etag).not.toBe(event?.etag);
    expect(mediaOf(grown?.body ?? Buffer.alloc(0)).segments).toHaveLength(4);

    await endBroadcast('alice');
    const vod = await playlists.media(id, 'video');
    expect(vod?.ended).toBe(true);
    const ended = mediaOf(vod?.body ?? Buffer.alloc(0));
    expect(ended.playlistType).toBe('VOD');
    expect(ended.endlist).toBe(true);

    // Settled: served from the cache without the index (a row added now is not seen) until forgotten.
    nowMs += 31_000;
    await playlists.media(id, 'video');
    await platform.vods.addSegment(segment(id, 'video', 4));
    expect((await playlists.media(id, 'video'))?.etag).toBe((await playlists.media(id, 'video'))?.etag);
    expect(mediaOf((await playlists.media(id, 'video'))?.body ?? Buffer.alloc(0)).segments).toHaveLength(4);

    // A segment found corrupt: left out with a discontinuity once the settled playlist is read again (5 min later,
    // or at once on forget).
    await platform.vods.markBad(id, 'video', 2);
    expect(mediaOf((await playlists.media(id, 'video'))?.body ?? Buffer.alloc(0)).segments).toHaveLength(4);
    nowMs += 301_000;
    const skipped = mediaOf((await playlists.media(id, 'video'))?.body ?? Buffer.alloc(0));
    expect(skipped.segments.map((s) => s.uri)).toEqual(['0.m4s', '1.m4s', '3.m4s', '4.m4s']);
    expect(skipped.segments.map((s) => s.discontinuity === true)).toEqual([false, false, true, false]);

    // A read under way when the VOD is forgotten answers its request but keeps nothing.
    const during = playlists.media(id, 'audio');
    playlists.forget(id);
    expect((await during)?.ended).toBe(true);
    expect(playlists.stats.cachedPlaylists).toBe(0);

    expect(await playlists.media(id, 'nosuch')).toBeUndefined();
    expect(await playlists.media('0000000000000000000', 'video')).toBeUndefined();
    await platform.vods.delete(id);
    playlists.forget(id);
    expect(await playlists.media(id, 'video')).toBeUndefined();
    expect(await playlists.multivariant(id)).toBeUndefined();
  });

  it('a segment marked bad while the VOD settles (verified as it ends) is left out once settled, no forget needed', async () => {
    const id = await startBroadcast('carol');
    for (let seq = 0; seq < 3; seq++) await platform.vods.addSegment(segment(id, 'video', seq));
    await endBroadcast('carol');
    const playlists = new VodPlaylists({ index: platform.vods, refreshMs: 0, settleMs: 30_000, nowMs: () => nowMs });
    expect(mediaOf((await playlists.media(id, 'video'))?.body ?? Buffer.alloc(0)).segments).toHaveLength(3);
    await platform.vods.markBad(id, 'video', 1);
    nowMs += 31_000;
    const settled = mediaOf((await playlists.media(id, 'video'))?.body ?? Buffer.alloc(0));
    expect(settled.segments.map((s) => s.uri)).toEqual(['0.m4s', '2.m4s']);
    expect(settled.segments[1]?.discontinuity).toBe(true);
  });

  it('a 6-hour broadcast (21,600 one-second segments × 4 renditions): read, rendered, cached (times printed)', async () => {
    const id = await startBroadcast('marathon');
    const count = 6 * 3600;
    const insertStart = performance.now();
    for (const r of RENDITIONS) {
      await platform.vods.addSegments(Array.from({ length: count }, (_, seq) => segment(id, r.rendition, seq)));
    }
    const insertMs = performance.now() - insertStart;
    await endBroadcast('marathon');

    const readStart = performance.now();
    const segments = await platform.vods.segments(id, 'video');
    const readMs = performance.now() - readStart;
    expect(segments).toHaveLength(count);
    const summaryStart = performance.now();
    await platform.vods.summary(id);
    const summaryMs = performance.now() - summaryStart;
    const renderStart = performance.now();
    const text = renderVodMediaPlaylist(segments, true);
    const renderMs = performance.now() - renderStart;
    nowMs += 60_000;

    const playlists = new VodPlaylists({ index: platform.vods, nowMs: () => nowMs });
    const coldStart = performance.now();
    const media = await playlists.media(id, 'video');
    const coldMediaMs = performance.now() - coldStart;
    const mvStart = performance.now();
    const multivariant = await playlists.multivariant(id);
    const coldMultivariantMs = performance.now() - mvStart;
    const warmStart = performance.now();
    for (let i = 0; i < 100; i++) await playlists.media(id, 'video');
    const warmMs = (performance.now() - warmStart) / 100;

    const parsed = mediaOf(media?.body ?? Buffer.alloc(0));
    expect(parsed.segments).toHaveLength(count);
    expect(parsed.endlist).toBe(true);
    expect(media?.body.toString()).toBe(text);
    expect(multivariant?.body.toString()).toContain('video/index.m3u8');
    console.log(
      `[vod playlists, ${dialect}] 6 h = ${count} segments × 4 renditions (insert ${Math.round(insertMs)} ms): ` +
        `SQL read of one rendition ${readMs.toFixed(1)} ms, summary ${summaryMs.toFixed(1)} ms, ` +
        `render ${renderMs.toFixed(1)} ms (${(text.length / 1024) | 0} KiB); ` +
        `first media playlist (summary + read + render + hash) ${coldMediaMs.toFixed(1)} ms, ` +
        `first multivariant (the 3 other renditions read and rendered) ${coldMultivariantMs.toFixed(1)} ms; ` +
        `cached ${(warmMs * 1000).toFixed(1)} µs; cache ${(playlists.stats.cachedBytes / 1024) | 0} KiB`,
    );
  }, 120_000);
});
