/**
 * The VOD HTTP API on a whole Glint over real HTTP, with an archived broadcast put straight into the real index and
 * store (the archive's own path, from RTMP, is the e2e tests'): playlists with ETag and 304, media with ranges,
 * lists, delete by the owner only, and every bad path part refused before the index or the disk is touched.
 */
import { createHash } from 'node:crypto';
import type { AuthUser } from '@glint/platform';
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let t: TestGlint;
let vodId: string;
let alice: { user: AuthUser; token: string };
let bob: { user: AuthUser; token: string };
const INIT = 'init-0123456789abcdef.mp4';
const segmentBytes = (rendition: string, seq: number) => Buffer.alloc(2000 + seq, `${rendition}${seq}`);

async function session(login: string): Promise<{ user: AuthUser; token: string }> {
  const { platform } = t.glint;
  const user = (await platform.accounts.userByLogin(login)) as AuthUser;
  return { user, token: (await platform.accounts.openSession(user)).token };
}

/** A broadcast of `channel` with `count` one-second segments of video and audio, archived, then ended. */
async function archivedBroadcast(channel: string, count: number, end = true): Promise<string> {
  const { platform, vod } = t.glint;
  platform.broadcasts.streamStarted(channel);
  await platform.broadcasts.settled();
  const id = platform.broadcasts.onAir(channel)?.broadcastId as string;
  await vod.index.putRendition({
    broadcastId: id,
    rendition: 'video',
    kind: 'video',
    codec: 'avc1.64001f',
    width: 1280,
    height: 720,
    frameRate: 30,
  });
  await vod.index.putRendition({ broadcastId: id, rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', channels: 2 });
  for (const rendition of ['video', 'audio']) {
    await vod.store.put(`vod/${id}/${rendition}/${INIT}`, Buffer.from(`init of ${rendition}`));
    for (let seq = 0; seq < count; seq++) {
      const bytes = segmentBytes(rendition, seq);
      const key = `vod/${id}/${rendition}/${seq}.m4s`;
      await vod.store.put(key, bytes);
      await vod.index.addSegment({
        broadcastId: id,
        rendition,
        seq,
        msn: seq,
        startUs: seq * 1_000_000,
        durationUs: 1_000_000,
        programDateTimeMs: Date.now() + seq * 1000,
        discontinuity: false,
        key,
        initKey: `vod/${id}/${rendition}/${INIT}`,
        bytes: bytes.byteLength,
        // The real digest: an ended broadcast is verified in the background, and a wrong one would drop the segment.
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  }
  if (!end) return id;
  platform.broadcasts.streamEnded(channel);
  await until(() => (platform.broadcasts.onAir(channel) ? undefined : true), { what: 'the broadcast to end' });
  await platform.broadcasts.settled();
  return id;
}

beforeAll(async () => {
  t = await startGlint(['alice', 'bob'], { reconnectGraceMs: 50 });
  alice = await session('alice');
  bob = await session('bob');
  vodId = await archivedBroadcast('alice', 5);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('VOD playlists and media', () => {
  it('serves the multivariant and media playlists as VOD, with a strong ETag and 304 on If-None-Match', async () => {
    const mv = await fetch(t.http(`/vods/${vodId}/index.m3u8`));
    expect(mv.status).toBe(200);
    expect(mv.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    HLS.setOptions({ strictMode: true });
    const master = HLS.parse(await mv.text()) as HLS.types.MasterPlaylist;
    expect(master.variants.map((v) => [v.uri, v.codecs])).toEqual([['video/index.m3u8', 'avc1.64001f,mp4a.40.2']]);
    // 2004 bytes a second at most, video and audio: BANDWIDTH is the peak of each, summed.
    expect(master.variants[0]?.bandwidth).toBe(2 * 2004 * 8);

    const res = await fetch(t.http(`/vods/${vodId}/video/index.m3u8`));
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const media = HLS.parse(await res.text()) as HLS.types.MediaPlaylist;
    expect(media.playlistType).toBe('VOD');
    expect(media.endlist).toBe(true);
    expect(media.segments.map((s) => s.uri)).toEqual(['0.m4s', '1.m4s', '2.m4s', '3.m4s', '4.m4s']);
    expect(media.segments[0]?.map?.uri).toBe(INIT);

    const again = await fetch(t.http(`/vods/${vodId}/video/index.m3u8`), { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    const other = await fetch(t.http(`/vods/${vodId}/video/index.m3u8`), { headers: { 'If-None-Match': '"nope"' } });
    expect(other.status).toBe(200);
  });

  it('serves segments and inits as immutable media, whole or one byte range', async () => {
    const seg = await fetch(t.http(`/vods/${vodId}/video/3.m4s`));
    expect(seg.status).toBe(200);
    expect(seg.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await seg.arrayBuffer()).equals(segmentBytes('video', 3))).toBe(true);
    const range = await fetch(t.http(`/vods/${vodId}/audio/2.m4s`), { headers: { Range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 10-19/${segmentBytes('audio', 2).byteLength}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(segmentBytes('audio', 2).subarray(10, 20))).toBe(true);
    expect((await fetch(t.http(`/vods/${vodId}/audio/2.m4s`), { headers: { Range: 'bytes=99999-' } })).status).toBe(
      416,
    );
    const init = await fetch(t.http(`/vods/${vodId}/audio/${INIT}`));
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('audio/mp4');
    expect(await init.text()).toBe('init of audio');
    const missing = await fetch(t.http(`/vods/${vodId}/video/99.m4s`));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NO_SUCH_MEDIA' });
  });

  it('refuses bad path parts with 400 and unknown VODs with 404 NO_SUCH_VOD; the VOD is still served after', async () => {
    const cases: Array<[string, number, string]> = [
      ['/vods/NOT-AN-ID/index.m3u8', 400, 'BAD_BROADCAST_ID'],
      ['/vods/..%2F..%2Fetc/index.m3u8', 400, 'BAD_BROADCAST_ID'],
      [`/vods/${vodId}/vi.deo/index.m3u8`, 400, 'BAD_RENDITION'],
      [`/vods/${vodId}/${'r'.repeat(40)}/index.m3u8`, 400, 'BAD_RENDITION'],
      [`/vods/${vodId}/video/01.m4s`, 400, 'BAD_MEDIA_NAME'],
      [`/vods/${vodId}/video/-1.m4s`, 400, 'BAD_MEDIA_NAME'],
      [`/vods/${vodId}/video/99999999999.m4s`, 400, 'BAD_MEDIA_NAME'],
      [`/vods/${vodId}/video/init-XYZ.mp4`, 400, 'BAD_MEDIA_NAME'],
      [`/vods/${vodId}/video/passwd`, 400, 'BAD_MEDIA_NAME'],
      ['/vods/0000000000000000000/index.m3u8', 404, 'NO_SUCH_VOD'],
      ['/vods/0000000000000000000/video/index.m3u8', 404, 'NO_SUCH_VOD'],
      [`/vods/${vodId}/1080p/index.m3u8`, 404, 'NO_SUCH_RENDITION'],
      ['/api/vods/0000000000000000000', 404, 'NO_SUCH_VOD'],
      ['/api/vods/No_Such', 400, 'BAD_BROADCAST_ID'],
      ['/api/channels/bad.name/vods', 400, 'BAD_CHANNEL'],
      ['/api/channels/alice/vods?limit=0', 400, 'BAD_LIMIT'],
      ['/api/channels/alice/vods?limit=abc', 400, 'BAD_LIMIT'],
      ['/api/channels/alice/vods?cursor=%27%3B--', 400, 'BAD_CURSOR'],
      ['/api/channels/nobody/vods', 404, 'NO_SUCH_CHANNEL'],
      ['/api/channels/bad.name/dvr', 400, 'BAD_CHANNEL'],
      ['/api/channels/alice/dvr', 404, 'NOT_LIVE'],
      ['/vods/NOT-AN-ID/thumbnail.jpg', 400, 'BAD_BROADCAST_ID'],
      ['/vods/0000000000000000000/thumbnail.jpg', 404, 'NO_THUMBNAIL'],
      // The archived "video" here is not decodable: no picture, a clear 404, and the VOD still served after.
      [`/vods/${vodId}/thumbnail.jpg`, 404, 'NO_THUMBNAIL'],
    ];
    for (const [path, status, code] of cases) {
      const res = await fetch(t.http(path));
      expect([path, res.status]).toEqual([path, status]);
      expect(await res.json(), path).toMatchObject({ code, message: expect.any(String) });
    }
    expect((await fetch(t.http(`/vods/${vodId}/video/index.m3u8`))).status).toBe(200);
    // The VOD and clip pages are the web app's: a malformed id gets the app, whose page says "not found" (e2e
    // vod-pages), with status 404.
    for (const path of ['/vod/not.an.id', '/clip/..%2Fetc']) {
      const page = await fetch(t.http(path));
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 404, 'text/html; charset=utf-8']);
    }
    // A thumbnail that cannot be made answers the same each time it is asked (not tried again for a minute).
    for (let i = 0; i < 5; i++) expect((await fetch(t.http(`/vods/${vodId}/thumbnail.jpg`))).status).toBe(404);
  });

  it('lists the channel’s VODs and describes one', async () => {
    const list = await (await fetch(t.http('/api/channels/alice/vods'))).json();
    expect(list.next).toBeNull();
    expect(list.items).toHaveLength(1);
    const item = await (await fetch(t.http(`/api/vods/${vodId}`))).json();
    expect(item).toEqual(list.items[0]);
    expect(item).toMatchObject({
      id: vodId,
      channel: 'alice',
      state: 'ready',
      durationSec: 5,
      playlistUrl: `/vods/${vodId}/index.m3u8`,
      pageUrl: `/vod/${vodId}`,
      thumbnailUrl: `/vods/${vodId}/thumbnail.jpg`,
    });
    expect(item.endedAt).toBeGreaterThanOrEqual(item.startedAt);
    expect((await (await fetch(t.http('/api/channels/bob/vods'))).json()).items).toEqual([]);
  });
});

describe('deleting a VOD', () => {
  it('is refused to anonymous callers (401) and to others (403); the owner deletes it, and its media goes', async () => {
    const id = await archivedBroadcast('alice', 2);
    expect((await fetch(t.http(`/vods/${id}/video/index.m3u8`))).status).toBe(200);
    const url = t.http(`/api/vods/${id}`);
    const anonymous = await fetch(url, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const other = await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${bob.token}` } });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await fetch(t.http(`/vods/${id}/video/1.m4s`))).status).toBe(200);

    const owner = await fetch(url, { method: 'DELETE', headers: { Cookie: `glint_session=${alice.token}` } });
    expect(owner.status).toBe(204);
    for (const path of [`/api/vods/${id}`, `/vods/${id}/index.m3u8`, `/vods/${id}/video/index.m3u8`]) {
      const res = await fetch(t.http(path));
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.json()).toMatchObject({ code: 'NO_SUCH_VOD' });
    }
    expect((await fetch(t.http(`/vods/${id}/video/1.m4s`))).status).toBe(404);
    expect((await fetch(t.http(`/vods/${id}/video/${INIT}`))).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${alice.token}` } })).status).toBe(
      404,
    );
    // The other VOD stays.
    expect((await fetch(t.http(`/vods/${vodId}/video/1.m4s`))).status).toBe(200);
    expect(alice.user.login).toBe('alice');
  });
});

describe('a recording broadcast', () => {
  it('is the DVR: an EVENT playlist revalidated each time (no-cache), offered by /dvr, not deletable yet', async () => {
    const id = await archivedBroadcast('bob', 3, false);
    const dvr = await fetch(t.http('/api/channels/bob/dvr'));
    expect(dvr.status).toBe(200);
    expect(await dvr.json()).toEqual({ broadcastId: id, playlistUrl: `/vods/${id}/index.m3u8` });
    const res = await fetch(t.http(`/vods/${id}/video/index.m3u8`));
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const playlist = HLS.parse(await res.text()) as HLS.types.MediaPlaylist;
    expect(playlist.playlistType).toBe('EVENT');
    expect(playlist.endlist).toBe(false);
    const item = await (await fetch(t.http(`/api/vods/${id}`))).json();
    expect(item).toMatchObject({ state: 'recording', endedAt: null });
    const refused = await fetch(t.http(`/api/vods/${id}`), {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${bob.token}` },
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'VOD_RECORDING' });
  });
});

describe('a live channel that is not archived (the endless demo, unless GLINT_DEMO_ARCHIVE=on)', () => {
  it('answers /dvr with 404 NOT_ARCHIVED while it is live (not NOT_LIVE)', async () => {
    const demo = await startGlint(['demo'], { demoBroadcast: true, demoArchive: false });
    try {
      demo.glint.platform.broadcasts.streamStarted('demo');
      await demo.glint.platform.broadcasts.settled();
      const res = await fetch(demo.http('/api/channels/demo/dvr'));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'NOT_ARCHIVED', message: expect.stringMatching(/not archived/) });
    } finally {
      await demo.stop();
    }
  });
});
