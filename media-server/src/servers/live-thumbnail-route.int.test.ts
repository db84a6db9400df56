/**
 * Live thumbnails on a whole Glint with ffmpeg publishing two channels over RTMP: GET /live/<ch>/thumbnail.jpg is a
 * JPEG of the stream (ffprobe: mjpeg, the stream's 320x240) kept for a minute (same picture, ETag, 304); and on a
 * second mount of the route over the same outputs, whose LiveThumbnails the test holds with its own clock, the
 * bounds: one ffmpeg per channel per minute however many ask, one per channel at a time, the global cap, a broken
 * stream not tried again for the backoff, a byte-capped cache, and nothing made for an offline or malformed channel.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe, makeTempDir, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';
import { LiveThumbnailError, LiveThumbnails, type LiveThumbnailsOptions } from '../vod/live-thumbnails.ts';
import { latestLiveSegment, liveThumbnailRoutes } from './live-thumbnail-route.ts';

let t: TestGlint;
const encoders: ReturnType<typeof publish>[] = [];
const scratch = makeTempDir('thumbs');

beforeAll(async () => {
  t = await startGlint(['cam', 'cam2', 'quiet'], { reconnectGraceMs: 200 });
  for (const channel of ['cam', 'cam2']) encoders.push(publish(t.glint.rtmpPort, `live/${t.keys[channel]}`, 120, true));
  for (const channel of ['cam', 'cam2']) {
    await until(() => latestLiveSegment(t.glint.outputs.get(channel))?.segment ?? undefined, {
      what: `a complete segment of ${channel}`,
      timeoutMs: 20_000,
    });
  }
}, 60_000);

afterAll(async () => {
  for (const encoder of encoders) encoder.child.kill('SIGKILL');
  await t?.stop();
  scratch.remove();
});

/** What ffprobe reads in the JPEG. */
function probeJpeg(bytes: Uint8Array): { codec_name: string; width: number; height: number } {
  const file = join(scratch.path, `${Math.random().toString(36).slice(2)}.jpg`);
  writeFileSync(file, bytes);
  const { json } = ffprobe(['-show_entries', 'stream=codec_name,width,height', file]);
  return (json as { streams: { codec_name: string; width: number; height: number }[] }).streams[0] as never;
}

describe('GET /live/<channel>/thumbnail.jpg on the whole server', () => {
  it('is a JPEG of the stream, the same picture (and ETag) for a minute, 304 for a browser that has it', async () => {
    const first = await fetch(t.http('/live/cam/thumbnail.jpg'));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(55);
    expect(maxAge).toBeLessThanOrEqual(60);
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect(probeJpeg(bytes)).toEqual({ codec_name: 'mjpeg', width: 320, height: 240 });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+-\d+"$/);

    const again = await fetch(t.http('/live/cam/thumbnail.jpg'));
    expect(again.headers.get('etag')).toBe(etag);
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    const cached = await fetch(t.http('/live/cam/thumbnail.jpg'), { headers: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
  });

  it('answers 404 with a code for an offline channel, an unknown one and a malformed name', async () => {
    for (const [path, code] of [
      ['/live/quiet/thumbnail.jpg', 'CHANNEL_NOT_LIVE'],
      ['/live/nobody-here/thumbnail.jpg', 'CHANNEL_NOT_LIVE'],
      ['/live/bad.name/thumbnail.jpg', 'NO_SUCH_CHANNEL'],
      [`/live/${'a'.repeat(65)}/thumbnail.jpg`, 'NO_SUCH_CHANNEL'],
      ['/live/%3Cscript%3E/thumbnail.jpg', 'NO_SUCH_CHANNEL'],
    ] as const) {
      const reply = await fetch(t.http(path));
      expect(reply.status, path).toBe(404);
      expect(((await reply.json()) as { code: string }).code, path).toBe(code);
    }
    // The live channels are still served.
    expect((await fetch(t.http('/live/cam2/thumbnail.jpg'))).status).toBe(200);
  });
});

describe('the bounds, on a mount whose thumbnails the test holds', () => {
  let app: FastifyInstance;
  let nowMs = 1_000_000;
  const asked: string[] = [];
  let thumbnails: LiveThumbnails;

  function make(options: Partial<LiveThumbnailsOptions> = {}): LiveThumbnails {
    return new LiveThumbnails({
      source: (channel) => {
        asked.push(channel);
        return latestLiveSegment(t.glint.outputs.get(channel));
      },
      logger: t.glint.logger,
      nowMs: () => nowMs,
      ...options,
    });
  }

  beforeAll(async () => {
    thumbnails = make({ maxConcurrent: 1 });
    app = Fastify();
    await app.register(liveThumbnailRoutes, { outputs: t.glint.outputs, logger: t.glint.logger, thumbnails });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
  });

  const get = (channel: string) =>
    fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/live/${channel}/thumbnail.jpg`);

  it('runs ffmpeg once per channel a minute, once at a time per channel, under the global cap', async () => {
    // Five viewers at once: one run.
    const replies = await Promise.all([1, 2, 3, 4, 5].map(() => get('cam')));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(replies.map((r) => r.headers.get('etag'))).size).toBe(1);
    expect(thumbnails.stats.runs).toBe(1);
    // Within the minute: no run.
    nowMs += 59_000;
    expect((await get('cam')).status).toBe(200);
    expect(thumbnails.stats.runs).toBe(1);
    // A minute on: a new picture of a newer segment; both channels at once never run two ffmpegs (cap 1).
    const firstMsn = Number(/-(\d+)"$/.exec(replies[0]?.headers.get('etag') ?? '')?.[1]);
    await until(() => (latestLiveSegment(t.glint.outputs.get('cam'))?.segment?.msn ?? -1) > firstMsn, {
      what: 'a newer segment of cam',
    });
    nowMs += 2000;
    const [cam, cam2] = await Promise.all([get('cam'), get('cam2')]);
    expect([cam.status, cam2.status]).toEqual([200, 200]);
    expect(thumbnails.stats.runs).toBe(3);
    expect(thumbnails.stats.peakRunning).toBe(1);
    expect(thumbnails.stats.cachedChannels).toBe(2);
    expect(cam.headers.get('etag')).not.toBe(replies[0]?.headers.get('etag'));
  });

  it('does no work for a malformed name and makes nothing for an offline channel', async () => {
    const runs = thumbnails.stats.runs;
    asked.length = 0;
    expect((await get('bad.name')).status).toBe(404);
    expect(asked).toEqual([]);
    const offline = await get('quiet');
    expect(offline.status).toBe(404);
    expect(((await offline.json()) as { code: string }).code).toBe('CHANNEL_NOT_LIVE');
    expect(thumbnails.stats.runs).toBe(runs);
  });

  it('keeps pictures within the byte cap (the least recently asked channel goes)', async () => {
    const small = make({ maxCacheBytes: 1 });
    await small.get('cam');
    await small.get('cam2');
    expect(small.stats).toMatchObject({ runs: 2, cachedChannels: 1 });
    expect(small.stats.cacheBytes).toBeGreaterThan(0);
    await small.get('cam2');
    expect(small.stats.runs).toBe(2);
    small.close();
  });

  it('does not try a broken stream again within the backoff, then does', async () => {
    const broken = new LiveThumbnails({
      source: () => ({ broadcastId: 'b1', segment: { msn: 7, init: Buffer.from('not mp4'), bytes: Buffer.alloc(64) } }),
      logger: t.glint.logger,
      nowMs: () => nowMs,
      failureBackoffMs: 30_000,
    });
    const failed = await broken.get('x').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LiveThumbnailError);
    expect(failed).toMatchObject({ code: 'THUMBNAIL_FAILED', retryAfterSec: 30 });
    nowMs += 10_000;
    expect(await broken.get('x').catch((e: unknown) => e)).toMatchObject({
      code: 'THUMBNAIL_FAILED',
      retryAfterSec: 20,
    });
    expect(broken.stats).toMatchObject({ runs: 1, failures: 1 });
    nowMs += 21_000;
    await broken.get('x').catch(() => undefined);
    expect(broken.stats).toMatchObject({ runs: 2, failures: 2 });
  });

  it('forgets a channel whose stream ended: 404, nothing made', async () => {
    encoders[1]?.child.kill('SIGKILL');
    await until(() => t.glint.outputs.get('cam2')?.ended !== false, { what: 'cam2 to end', timeoutMs: 10_000 });
    const runs = thumbnails.stats.runs;
    nowMs += 120_000;
    expect((await get('cam2')).status).toBe(404);
    expect(thumbnails.stats.runs).toBe(runs);
    expect(thumbnails.stats.cachedChannels).toBe(1);
  });
});
