import { type Fixture, makeFixture, until } from '@glint/testkit';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, settlesWithin } from '../../test/harness.ts';

let fixture: Fixture;
let h: Harness;

beforeAll(async () => {
  fixture = makeFixture({ seconds: 12 });
  h = new Harness(fixture);
  await h.listen();
}, 60_000);

afterAll(async () => {
  await h.close();
});

function parseMedia(text: string): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  return HLS.parse(text) as HLS.types.MediaPlaylist;
}

describe('LL-HLS HTTP face', () => {
  it('holds the multivariant playlist until the stream has started, then lists both renditions', async () => {
    const pending = fetch(h.url('index.m3u8'));
    expect((await settlesWithin(pending, 100)).settled).toBe(false);
    h.feedUntil(0.5);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const mv = HLS.parse(await res.text()) as HLS.types.MasterPlaylist;
    // High profile (0x64), no constraint flags, the level ffprobe reads from the same stream.
    expect(fixture.probe.profile).toBe('High');
    const level = fixture.probe.level.toString(16).padStart(2, '0');
    expect(mv.variants[0]?.codecs).toBe(`avc1.6400${level},mp4a.40.2`);
    expect(mv.variants[0]?.resolution).toEqual({ width: 640, height: 360 });
    expect(mv.variants[0]?.audio[0]?.uri).toBe('audio/index.m3u8');
  });

  it('answers 400 for _HLS_part without _HLS_msn, bad numbers, a bad skip, and an MSN more than two ahead', async () => {
    h.feedUntil(3.5);
    const last = h.packager.rendition('video')?.lastCompleteMsn ?? -1;
    expect(last).toBeGreaterThanOrEqual(1);
    for (const query of [
      '_HLS_part=1',
      '_HLS_msn=-1',
      '_HLS_msn=1.5',
      '_HLS_msn=x&_HLS_part=0',
      '_HLS_skip=NO',
      `_HLS_msn=${last + 3}`,
    ]) {
      const res = await fetch(h.url(`video/index.m3u8?${query}`));
      expect(res.status, query).toBe(400);
      expect((await res.text()).length).toBeGreaterThan(5);
    }
    // Two ahead is allowed: it blocks instead.
    const ok = fetch(h.url(`video/index.m3u8?_HLS_msn=${last + 2}`));
    expect((await settlesWithin(ok, 100)).settled).toBe(false);
    h.feedUntil(6);
    expect((await ok).status).toBe(200);
  });

  it('holds a blocking request until the part exists, then releases every waiter with the same playlist', async () => {
    const video = h.packager.rendition('video');
    if (!video) throw new Error('no video rendition');
    const { msn, part } = video.position;
    const want = video.nextPosition;
    const query = `_HLS_msn=${want.msn}&_HLS_part=${want.part}`;
    const waiters = Array.from({ length: 50 }, () => fetch(h.url(`video/index.m3u8?${query}`)));
    // Every request reaches the server and is parked (however busy the machine); none is answered meanwhile.
    let answered = false;
    void Promise.race(waiters).then(() => {
      answered = true;
    });
    await until(() => h.http.blockedCount === 50, { what: '50 blocked requests' });
    expect(answered).toBe(false);
    h.feedWhile(() => video.position.msn === msn && video.position.part === part);
    const bodies = await Promise.all(
      waiters.map(async (w) => {
        const res = await w;
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
        return res.text();
      }),
    );
    expect(new Set(bodies).size).toBe(1);
    const parsed = parseMedia(bodies[0] ?? '');
    const lastSegment = parsed.segments[parsed.segments.length - 1];
    const lastPart = lastSegment?.parts.filter((p) => !p.hint).at(-1);
    expect(lastPart?.uri).toBe(`${video.uriFolder}/p${video.nextPartId - 1}.m4s`);
    expect(h.http.blockedCount).toBe(0);
  });

  it('answers 503 when nothing comes within three target durations', async () => {
    const video = h.packager.rendition('video');
    if (!video) throw new Error('no video rendition');
    const pending = fetch(h.url(`video/index.m3u8?_HLS_msn=${video.lastCompleteMsn + 2}`));
    expect((await settlesWithin(pending, 100)).settled).toBe(false);
    h.nowMs += 3 * video.targetDurationSec * 1000 - 1;
    expect((await settlesWithin(pending, 100)).settled).toBe(false);
    h.nowMs += 2;
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('blocks a request for the hinted part until that part is complete; further parts are 404', async () => {
    const video = h.packager.rendition('video');
    if (!video) throw new Error('no video rendition');
    const hinted = video.nextPartId;
    const folder = video.uriFolder;
    const playlist = await (await fetch(h.url('video/index.m3u8'))).text();
    expect(playlist).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${folder}/p${hinted}.m4s"`);
    expect((await fetch(h.url(`video/${folder}/p${hinted + 1}.m4s`))).status).toBe(404);
    const pending = fetch(h.url(`video/${folder}/p${hinted}.m4s`));
    expect((await settlesWithin(pending, 100)).settled).toBe(false);
    h.feedWhile(() => video.part(hinted) === undefined);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.compare(bytes, video.part(hinted)?.bytes ?? new Uint8Array())).toBe(0);
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('moof');
  });

  it('serves a segment as exactly the concatenation of its parts', async () => {
    const video = h.packager.rendition('video');
    const msn = video?.lastCompleteMsn ?? -1;
    const segment = video?.segment(msn);
    if (!video || !segment) throw new Error('no segment');
    const res = await fetch(h.url(`video/${video.uriFolder}/s${msn}.m4s`));
    expect(res.headers.get('cache-control')).toContain('immutable');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(segment.parts.length).toBeGreaterThan(0);
    expect(bytes.equals(Buffer.concat(segment.parts.map((p) => p.bytes)))).toBe(true);
  });

  it('gives a delta update with EXT-X-SKIP once the playlist is longer than the skip boundary', async () => {
    h.feedUntil(11);
    const full = parseMedia(await (await fetch(h.url('video/index.m3u8'))).text());
    const res = await fetch(h.url('video/index.m3u8?_HLS_skip=YES'));
    const delta = parseMedia(await res.text());
    expect(delta.skip).toBeGreaterThan(0);
    expect(delta.skip + delta.segments.length).toBe(full.segments.length);
    const remaining = delta.segments.filter((s) => s.uri).reduce((sum, s) => sum + s.duration, 0);
    expect(remaining).toBeGreaterThanOrEqual(6 * full.targetDuration - 1e-6);
    const v2 = await (await fetch(h.url('video/index.m3u8?_HLS_skip=v2'))).text();
    expect(v2).toContain('RECENTLY-REMOVED-DATERANGES=""');
  });

  it('reports the sibling rendition in each media playlist', async () => {
    const audio = parseMedia(await (await fetch(h.url('audio/index.m3u8'))).text());
    const video = h.packager.rendition('video');
    expect(audio.renditionReports[0]).toMatchObject({ uri: '../video/index.m3u8', lastMSN: video?.position.msn });
  });

  it('answers unknown paths with 404, other methods with 405, and CORS preflight with 204', async () => {
    expect((await fetch(h.url('nope/index.m3u8'))).status).toBe(404);
    expect((await fetch(h.url('video/../../etc/passwd'))).status).toBe(404);
    expect((await fetch(h.url('video/s99999.m4s'))).status).toBe(404);
    const folder = h.packager.broadcastId;
    expect((await fetch(h.url(`video/${folder}/s99999.m4s`))).status).toBe(404);
    // A URI of another broadcast, with numbers this one has: never this broadcast's bytes.
    expect((await fetch(h.url(`video/${folder}/s1.m4s`))).status).toBe(200);
    expect((await fetch(h.url('video/another/s1.m4s'))).status).toBe(404);
    expect((await fetch(h.url('video/another/init0.mp4'))).status).toBe(404);
    expect((await fetch(h.url(`video/${folder}/init0.mp4`))).status).toBe(200);
    expect((await fetch(h.url('video/index.m3u8'), { method: 'POST', body: 'x' })).status).toBe(405);
    const pre = await fetch(h.url('video/index.m3u8'), { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('ends every playlist with EXT-X-ENDLIST and releases waiters when the stream ends', async () => {
    const video = h.packager.rendition('video');
    const pending = fetch(h.url(`video/index.m3u8?_HLS_msn=${(video?.lastCompleteMsn ?? 0) + 2}`));
    expect((await settlesWithin(pending, 100)).settled).toBe(false);
    h.packager.end();
    const text = await (await pending).text();
    const parsed = parseMedia(text);
    expect(parsed.endlist).toBe(true);
    expect(text).not.toContain('PRELOAD-HINT');
  });
});

describe('clients that leave', () => {
  it('stop counting as blocked as soon as they disconnect', async () => {
    const g = new Harness(fixture);
    await g.listen();
    g.feedUntil(2);
    const video = g.packager.rendition('video');
    const next = video?.nextPosition ?? { msn: 0, part: 0 };
    const controller = new AbortController();
    const pending = fetch(g.url(`video/index.m3u8?_HLS_msn=${next.msn}&_HLS_part=${next.part}`), {
      signal: controller.signal,
    }).catch(() => 'aborted');
    await until(() => g.http.blockedCount === 1, { what: 'one blocked request', timeoutMs: 2000 });
    controller.abort();
    expect(await pending).toBe('aborted');
    await until(() => g.http.blockedCount === 0, { what: 'no blocked request', timeoutMs: 2000 });
    await g.close();
  });
});
