/**
 * LL-HLS on every core (GLINT_LLHLS_WORKERS): worker processes on their own port serve what the primary serves, byte
 * for byte, blocking reloads included; they count their viewers into the channel's audience; one that dies or stops
 * taking updates is replaced, and the others serve meanwhile. Real ffmpeg publishing over RTMP, real sockets,
 * ffprobe and hls-parser reading the output.
 */
import { get } from 'node:http';
import { ffprobe, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlhlsWorkerPool } from './llhls-worker-pool.ts';

let t: TestGlint;
let publisher: Publisher;
const CHANNEL = 'workers';

const primary = (path: string) => t.http(path);
const worker = (path: string) => `http://127.0.0.1:${t.glint.llhlsWorkers?.port}${path}`;

/** A GET on a connection of its own (the kernel picks the worker that accepts it): status, headers, body. */
function fetchFresh(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
    get(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function mediaPlaylist(text: string): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  return HLS.parse(text) as HLS.types.MediaPlaylist;
}

beforeAll(async () => {
  t = await startGlint([CHANNEL], { llhlsWorkers: 2, llhlsPort: 0, logLevel: 'warn' });
  publisher = publish(t.rtmp(CHANNEL));
  // Both ports have the stream once a worker lists a complete segment.
  await until(
    async () => {
      const res = await fetchFresh(worker(`/live/${CHANNEL}/video/index.m3u8`));
      return res.status === 200 && mediaPlaylist(res.body.toString()).segments.some((s) => s.uri);
    },
    { what: 'the stream on the LL-HLS workers port', timeoutMs: 30_000, detail: () => publisher.stderr() },
  );
}, 60_000);

afterAll(async () => {
  publisher?.kill();
  await t?.stop();
});

describe('LL-HLS worker processes', () => {
  it('start as many as asked, on a port of their own, beside the HTTP port', () => {
    expect(t.glint.llhlsWorkers?.pids).toHaveLength(2);
    expect(t.glint.llhlsWorkers?.port).not.toBe(t.glint.httpPort);
  });

  it('answer a blocking reload when the part lands, byte for byte as the primary does, and serve its parts', async () => {
    const now = mediaPlaylist((await fetchFresh(worker(`/live/${CHANNEL}/video/index.m3u8`))).body.toString());
    const last = now.segments.at(-1);
    const msn = (now.mediaSequenceBase ?? 0) + now.segments.length - 1;
    // The part after the newest one listed: a request both ports must park, then release.
    const partIndex = (last?.parts.length ?? 0) + (last?.uri ? -(last.parts.length ?? 0) : 0);
    const target = last?.uri ? `_HLS_msn=${msn + 1}&_HLS_part=0` : `_HLS_msn=${msn}&_HLS_part=${partIndex}`;
    const path = `/live/${CHANNEL}/video/index.m3u8?${target}`;
    const [fromPrimary, fromWorker] = await Promise.all([fetchFresh(primary(path)), fetchFresh(worker(path))]);
    expect(fromWorker.status).toBe(200);
    expect(fromWorker.headers['cache-control']).toBe(fromPrimary.headers['cache-control']);
    expect(fromWorker.body.toString()).toBe(fromPrimary.body.toString());
    const playlist = mediaPlaylist(fromWorker.body.toString());
    const parts = playlist.segments.flatMap((s) => s.parts).filter((p) => !p.hint);
    for (const part of parts.slice(-3)) {
      const [a, b] = await Promise.all([
        fetchFresh(primary(`/live/${CHANNEL}/video/${part.uri}`)),
        fetchFresh(worker(`/live/${CHANNEL}/video/${part.uri}`)),
      ]);
      expect(b.status).toBe(200);
      expect(b.body.equals(a.body)).toBe(true);
    }
    const segment = playlist.segments.findLast((s) => s.uri);
    const [a, b] = await Promise.all([
      fetchFresh(primary(`/live/${CHANNEL}/video/${segment?.uri}`)),
      fetchFresh(worker(`/live/${CHANNEL}/video/${segment?.uri}`)),
    ]);
    expect(b.status).toBe(200);
    expect(b.body.equals(a.body)).toBe(true);
  });

  it('serve a stream ffprobe reads: H.264 video and AAC audio', () => {
    const probe = ffprobe(['-show_entries', 'stream=codec_name', worker(`/live/${CHANNEL}/index.m3u8`)]);
    const codecs = (probe.json as { streams: { codec_name: string }[] }).streams.map((s) => s.codec_name);
    expect(codecs).toEqual(expect.arrayContaining(['h264', 'aac']));
  });

  it("count their viewers into the channel's audience", async () => {
    const before = t.glint.llhlsViewers.count(CHANNEL);
    for (let i = 0; i < 12; i++) {
      const res = await fetchFresh(worker(`/live/${CHANNEL}/video/index.m3u8`), {
        'X-Glint-Viewer': `worker-viewer-${i}`,
      });
      expect(res.status).toBe(200);
    }
    await until(() => t.glint.llhlsViewers.count(CHANNEL) >= before + 12, {
      what: 'the workers to report 12 viewers',
      timeoutMs: 10_000,
      detail: () => `count ${t.glint.llhlsViewers.count(CHANNEL)}`,
    });
  });

  it('answer 404 for a channel that is not live and for anything but LL-HLS', async () => {
    const notLive = await fetchFresh(worker('/live/nosuch/index.m3u8'));
    expect(notLive.status).toBe(404);
    expect(JSON.parse(notLive.body.toString())).toMatchObject({ code: 'CHANNEL_NOT_LIVE' });
    expect((await fetchFresh(worker('/api/channels'))).status).toBe(404);
    expect((await fetchFresh(worker(`/live/${CHANNEL}/video/nosuch/p1.m4s`))).status).toBe(404);
  });

  it('replace a worker that dies, while the other keeps serving', async () => {
    const pool = t.glint.llhlsWorkers as LlhlsWorkerPool;
    const [victim] = pool.pids;
    process.kill(victim as number, 'SIGKILL');
    // Meanwhile every request is answered (by the worker left).
    for (let i = 0; i < 5; i++) {
      expect((await fetchFresh(worker(`/live/${CHANNEL}/video/index.m3u8`))).status).toBe(200);
    }
    await until(() => pool.pids.length === 2 && !pool.pids.includes(victim as number), {
      what: 'a new worker in place of the killed one',
      timeoutMs: 20_000,
    });
    expect(pool.restarts).toBeGreaterThanOrEqual(1);
  });
});

describe('a worker that stops taking updates', () => {
  it('is replaced once its backlog reaches the bound, so the primary holds no more for it', async () => {
    const pool = await LlhlsWorkerPool.start({
      count: 1,
      host: '127.0.0.1',
      port: 0,
      outputs: t.glint.outputs,
      onViewers: () => {},
      logger: t.glint.logger,
      maxConnections: 100,
      requestTimeoutMs: 5000,
      startWaitMs: 1000,
      maxBacklog: 20,
    });
    try {
      const [stopped] = pool.pids;
      process.kill(stopped as number, 'SIGSTOP');
      // Parts keep coming (five a second per rendition): the backlog passes 20 within seconds.
      await until(() => pool.restarts >= 1 && pool.pids.length === 1 && !pool.pids.includes(stopped as number), {
        what: 'the stopped worker to be replaced',
        timeoutMs: 30_000,
      });
      // Alone, it took the port with it: the one in its place serves it again once it listens.
      const url = `http://127.0.0.1:${pool.port}/live/${CHANNEL}/video/index.m3u8`;
      await until(async () => (await fetchFresh(url).catch(() => ({ status: 0 }))).status === 200, {
        what: 'the new worker to serve the stream',
        timeoutMs: 20_000,
      });
    } finally {
      await pool.close();
    }
  }, 45_000);
});
