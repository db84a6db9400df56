import { silentLogger } from '@glint/media-core';
import { Platform, type VodSegment } from '@glint/platform';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SEG_US = 2_000_000;

function segment(broadcastId: string, rendition: string, seq: number): Omit<VodSegment, 'ok'> {
  return {
    broadcastId,
    rendition,
    seq,
    msn: seq + 10,
    startUs: seq * SEG_US,
    durationUs: SEG_US,
    programDateTimeMs: 1_700_000_000_000 + seq * 2000,
    discontinuity: seq === 0,
    key: `vod/${broadcastId}/${rendition}/${seq}.m4s`,
    initKey: `vod/${broadcastId}/${rendition}/init-0123456789abcdef.mp4`,
    bytes: 1000 + seq,
    sha256: 'ab'.repeat(32),
  };
}

describe.each(TEST_DIALECTS)('the VOD index on %s', (dialect) => {
  let database: TestDatabase;
  let platform: Platform;
  let nowMs = 1_800_000_000_000;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    platform = await Platform.open({
      databaseUrl: database.url,
      logger: silentLogger,
      reconnectGraceMs: 50,
      nowMs: () => nowMs,
    });
  });
  afterAll(async () => {
    await platform?.close();
    await database?.drop();
  });

  async function broadcastOf(channel: string): Promise<string> {
    await platform.seedChannel(channel, channel);
    platform.broadcasts.streamStarted(channel);
    await platform.broadcasts.settled();
    const id = platform.broadcasts.onAir(channel)?.broadcastId;
    if (!id) throw new Error('no broadcast');
    return id;
  }

  it('indexes renditions and segments: order, ranges, the last ones, bad marks, a recording summary', async () => {
    const id = await broadcastOf('alice');
    await platform.vods.putRendition({ broadcastId: id, rendition: 'video', kind: 'video', codec: 'avc1.640028' });
    await platform.vods.putRendition({
      broadcastId: id,
      rendition: 'video',
      kind: 'video',
      codec: 'avc1.64001f',
      width: 1280,
      height: 720,
      frameRate: 29.97,
    });
    await platform.vods.putRendition({
      broadcastId: id,
      rendition: 'audio',
      kind: 'audio',
      codec: 'mp4a.40.2',
      channels: 2,
    });
    for (let seq = 0; seq < 10; seq++) await platform.vods.addSegment(segment(id, 'video', seq));
    for (let seq = 0; seq < 4; seq++) await platform.vods.addSegment(segment(id, 'audio', seq));

    expect(await platform.vods.renditions(id)).toEqual([
      { broadcastId: id, rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', channels: 2 },
      {
        broadcastId: id,
        rendition: 'video',
        kind: 'video',
        codec: 'avc1.64001f',
        width: 1280,
        height: 720,
        frameRate: 29.97,
      },
    ]);
    const all = await platform.vods.segments(id, 'video');
    expect(all.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(all[0]).toEqual({ ...segment(id, 'video', 0), ok: true });
    expect((await platform.vods.segments(id, 'video', { fromSeq: 3, limit: 2 })).map((s) => s.seq)).toEqual([3, 4]);
    // [5 s, 9 s) overlaps the segments [4,6), [6,8), [8,10).
    const range = await platform.vods.segmentsInRange(id, 'video', 5_000_000, 9_000_000);
    expect(range.map((s) => s.seq)).toEqual([2, 3, 4]);
    expect((await platform.vods.segmentsInRange(id, 'video', 4_000_000, 6_000_000)).map((s) => s.seq)).toEqual([2]);
    const last = await platform.vods.lastSegments(id);
    expect(last.map((s) => [s.rendition, s.seq])).toEqual([
      ['audio', 3],
      ['video', 9],
    ]);

    await platform.vods.markBad(id, 'video', 4);
    expect((await platform.vods.segments(id, 'video', { fromSeq: 4, limit: 1 }))[0]?.ok).toBe(false);

    expect(await platform.vods.summary(id)).toMatchObject({
      broadcastId: id,
      channel: 'alice',
      endedAt: null,
      state: 'recording',
      durationUs: 10 * SEG_US,
      bytes: 10 * 1000 + 45 + 4 * 1000 + 6,
    });
    await expect(platform.vods.addSegment(segment(id, 'video', 3))).rejects.toThrow();
  });

  it('lists a channel’s VODs newest (recording) first with a cursor, and leaves out broadcasts without segments', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      nowMs += 1000;
      const id = await broadcastOf('bob');
      ids.push(id);
      if (i !== 1) await platform.vods.addSegment(segment(id, 'video', 0));
      if (i < 2) {
        platform.broadcasts.streamEnded('bob');
        await new Promise((r) => setTimeout(r, 80));
        await platform.broadcasts.settled();
      }
    }
    const first = await platform.vods.list('bob', { limit: 1 });
    expect(first.items.map((v) => [v.broadcastId, v.state])).toEqual([[ids[2], 'recording']]);
    expect(first.nextCursor).not.toBeNull();
    const second = await platform.vods.list('bob', { limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((v) => [v.broadcastId, v.state])).toEqual([[ids[0], 'ready']]);
    expect(second.nextCursor).toBeNull();
    expect(await platform.vods.summary(ids[1] as string)).toBeUndefined();
    expect(await platform.vods.summary('nosuchbroadcast')).toBeUndefined();
  });

  it('deletes a VOD (keys back, segments gone, broadcast kept), finds the expired and the recently ended', async () => {
    nowMs = 1_900_000_000_000;
    const old = await broadcastOf('carol');
    await platform.vods.putRendition({ broadcastId: old, rendition: 'video', kind: 'video', codec: 'avc1.640028' });
    for (let seq = 0; seq < 3; seq++) await platform.vods.addSegment(segment(old, 'video', seq));
    platform.broadcasts.streamEnded('carol');
    await new Promise((r) => setTimeout(r, 80));
    await platform.broadcasts.settled();
    nowMs += 10_000;
    const recent = await broadcastOf('carol');
    await platform.vods.putRendition({ broadcastId: recent, rendition: 'video', kind: 'video', codec: 'avc1.640028' });
    await platform.vods.addSegment(segment(recent, 'video', 0));
    platform.broadcasts.streamEnded('carol');
    await new Promise((r) => setTimeout(r, 80));
    await platform.broadcasts.settled();

    expect(await platform.vods.expired(1_900_000_005_000, 10)).toContain(old);
    expect(await platform.vods.expired(1_900_000_005_000, 10)).not.toContain(recent);
    expect(await platform.vods.endedSince(1_900_000_005_000)).toEqual([recent]);

    const keys = await platform.vods.delete(old);
    expect(keys.sort()).toEqual(
      [0, 1, 2]
        .map((s) => `vod/${old}/video/${s}.m4s`)
        .concat(`vod/${old}/video/init-0123456789abcdef.mp4`)
        .sort(),
    );
    expect(await platform.vods.summary(old)).toBeUndefined();
    expect(await platform.vods.segments(old, 'video')).toEqual([]);
    expect(await platform.vods.expired(1_900_000_005_000, 10)).not.toContain(old);
    expect((await platform.broadcasts.list('carol', {})).items.map((b) => b.id)).toContain(old);
    expect(await platform.vods.delete(old)).toEqual([]);
  });

  it('keeps clip records: create, update, list newest first, delete returns the keys', async () => {
    const id = await broadcastOf('dave');
    const a = await platform.vods.createClip({
      channel: 'dave',
      broadcastId: id,
      title: 'first',
      createdBy: null,
      startUs: 1_000_000,
      durationUs: 5_000_000,
    });
    nowMs += 1;
    const b = await platform.vods.createClip({
      channel: 'dave',
      broadcastId: id,
      title: 'second',
      createdBy: 'u1',
      startUs: 0,
      durationUs: 30_000_000,
    });
    expect(a).toMatchObject({ status: 'queued', error: null, videoKey: null, readyAt: null, bytes: null });
    await platform.vods.updateClip(b.id, {
      status: 'ready',
      videoKey: `clips/${b.id}.mp4`,
      thumbnailKey: `clips/${b.id}.jpg`,
      bytes: 123_456,
      readyAt: nowMs,
    });
    expect(await platform.vods.clip(b.id)).toMatchObject({ status: 'ready', bytes: 123_456, createdBy: 'u1' });
    const page = await platform.vods.listClips('dave', {});
    expect(page.items.map((c) => c.title)).toEqual(['second', 'first']);
    expect((await platform.vods.deleteClip(b.id)).sort()).toEqual([`clips/${b.id}.jpg`, `clips/${b.id}.mp4`]);
    expect(await platform.vods.clip(b.id)).toBeUndefined();
    expect(await platform.vods.deleteClip(b.id)).toEqual([]);
  });
});
