import { until } from '@glint/testkit';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flvEvents } from '../../test/webrtc-media.ts';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { createHttpServer } from '../servers/http.ts';
import { createMetrics } from '../servers/metrics.ts';
import { StreamHub } from '../stream/hub.ts';
import type { StreamEvent } from '../stream/types.ts';
import { type LlhlsOutputOptions, LlhlsOutputs } from './llhls-outputs.ts';

let events: MediaEvent[];

beforeAll(async () => {
  events = await flvEvents(3);
}, 60_000);

function media(from: MediaEvent[], fromSec = 0): StreamEvent[] {
  const from90k = fromSec * 90000;
  return from.filter(
    (e): e is Exclude<MediaEvent, { kind: 'metadata' }> =>
      e.kind !== 'metadata' &&
      (e.kind === 'video' ? e.au.dts90k >= from90k : e.kind === 'audio' ? e.frame.pts90k >= from90k : true),
  );
}

/** The hub, the LL-HLS outputs and the real HTTP face on 127.0.0.1. */
class Server {
  readonly hub: StreamHub;
  readonly outputs: LlhlsOutputs;
  readonly errors: unknown[] = [];
  readonly #app: FastifyInstance;
  #base = '';

  constructor(options: Partial<LlhlsOutputOptions>) {
    this.hub = new StreamHub({ onReaderError: (error) => this.errors.push(error) });
    this.outputs = new LlhlsOutputs({
      partTargetMs: 200,
      segmentTargetMs: 1000,
      reconnectGraceMs: 1000,
      onError: (error) => this.errors.push(error),
      ...options,
    });
    this.hub.onStreamStart((stream) => this.outputs.onStreamStart(stream));
    const metrics = createMetrics({
      liveStreams: () => 0,
      blockedRequests: () => 0,
      webrtcViewers: () => 0,
      viewers: () => [],
      rtmpRefusedConnections: () => ({ overTotal: 0, overPerIp: 0 }),
    });
    this.#app = createHttpServer({ hub: this.hub, outputs: this.outputs, metrics, logger: pino({ level: 'silent' }) });
  }

  async listen(): Promise<this> {
    await this.#app.listen({ port: 0, host: '127.0.0.1' });
    const address = this.#app.server.address();
    this.#base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  url(path: string): string {
    return this.#base + path;
  }

  /** Publishes a broadcast on `channel`, pushes `list`, and (unless told otherwise) ends it as a disconnect. */
  broadcast(channel: string, list: StreamEvent[], end = true): void {
    const stream = this.hub.publish(channel, 'rtmp');
    for (const e of list) stream.push(e);
    if (end) this.hub.end(stream, 'disconnect');
  }

  async close(): Promise<void> {
    this.outputs.close();
    await this.#app.close();
  }
}

/** Every media URI (init, parts, segments) in both media playlists, as absolute URLs. */
async function mediaUrls(server: Server, channel: string): Promise<string[]> {
  const urls: string[] = [];
  for (const rendition of ['video', 'audio']) {
    const playlist = server.url(`/live/${channel}/${rendition}/index.m3u8`);
    const text = await (await fetch(playlist)).text();
    // The preload hint names a part that does not exist yet (a request for it would wait).
    const lines = text.split('\n').filter((l) => !l.startsWith('#EXT-X-PRELOAD-HINT'));
    const uris = [
      ...lines.filter((l) => l !== '' && !l.startsWith('#')),
      ...lines.flatMap((l) => [...l.matchAll(/URI="([^"]+)"/g)].map((m) => m[1] ?? '')),
    ].filter((u) => !u.endsWith('.m3u8'));
    urls.push(...uris.map((u) => new URL(u, playlist).href));
  }
  return [...new Set(urls)];
}

async function bytes(url: string): Promise<{ status: number; body: Buffer; cache: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), cache: res.headers.get('cache-control') };
}

async function playlistText(server: Server, channel: string): Promise<string> {
  return (await fetch(server.url(`/live/${channel}/video/index.m3u8`))).text();
}

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await server?.close();
});

describe('LL-HLS output of a channel', () => {
  it('reports a corrupt SPS and keeps packaging the valid media that follows', () => {
    const errors: unknown[] = [];
    const hub = new StreamHub({ onReaderError: (error) => errors.push(error) });
    const outputs = new LlhlsOutputs({
      partTargetMs: 200,
      segmentTargetMs: 1000,
      reconnectGraceMs: 1000,
      onError: (error) => errors.push(error),
    });
    hub.onStreamStart((stream) => outputs.onStreamStart(stream));
    const stream = hub.publish('ch', 'rtmp');
    stream.push({
      kind: 'video-config',
      config: { codec: 'h264', sps: [new Uint8Array([0x67, 0xff])], pps: [new Uint8Array([0x68])] },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_SPS' });
    for (const e of media(events)) stream.push(e);
    const video = outputs.get('ch')?.packager.rendition('video');
    expect(video?.nextPartId).toBeGreaterThan(5);
    expect(errors).toHaveLength(1);
    outputs.close();
  });
});

describe('broadcasts on one channel', () => {
  it('never share a media URL once the grace period has passed; the old URLs answer 404, not the new bytes', async () => {
    server = await new Server({ reconnectGraceMs: 100, endedRetentionMs: 60_000 }).listen();
    const s = server;
    s.broadcast('ch', media(events));
    const first = s.outputs.get('ch')?.broadcastId;
    // Past the grace period the output ends (ENDLIST); the next publish is a new broadcast.
    await until(async () => (await playlistText(s, 'ch')).includes('#EXT-X-ENDLIST'), {
      what: 'the first broadcast to end',
    });
    const firstUrls = await mediaUrls(s, 'ch');
    const firstBytes = new Map<string, Buffer>();
    for (const url of firstUrls) {
      const got = await bytes(url);
      expect(got.status, url).toBe(200);
      firstBytes.set(url, got.body);
    }
    expect(firstBytes.size).toBeGreaterThan(20);
    // The second broadcast shows other pictures: it starts a second later in the same source.
    s.broadcast('ch', media(events, 1), false);
    const second = s.outputs.get('ch')?.broadcastId;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const secondUrls = await mediaUrls(s, 'ch');
    expect(secondUrls.length).toBeGreaterThan(20);
    expect(secondUrls.filter((u) => firstUrls.includes(u))).toEqual([]);
    for (const [url] of firstBytes) expect((await fetch(url)).status, url).toBe(404);
    // The same file names, numbered from 0 again, in the new folder: other bytes, cached as immutable.
    let compared = 0;
    for (const [url, old] of firstBytes) {
      if (!/\/(p|s)\d+\.m4s$/.test(url)) continue;
      const renamed = url.replace(`/${first}/`, `/${second}/`);
      if (!secondUrls.includes(renamed)) continue;
      const got = await bytes(renamed);
      expect(got.status, renamed).toBe(200);
      expect(got.cache).toContain('immutable');
      expect(got.body.equals(old), renamed).toBe(false);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
    expect(s.errors).toEqual([]);
  });

  it('keeps the broadcast (folder and numbering) across a reconnect within the grace period', async () => {
    server = await new Server({ reconnectGraceMs: 60_000 }).listen();
    const s = server;
    s.broadcast('ch', media(events));
    const output = s.outputs.get('ch');
    const before = await mediaUrls(s, 'ch');
    const nextPart = output?.packager.rendition('video')?.nextPartId ?? 0;
    s.broadcast('ch', media(events), false);
    expect(s.outputs.get('ch')).toBe(output);
    const text = await playlistText(s, 'ch');
    expect(text).toContain('#EXT-X-DISCONTINUITY');
    const after = await mediaUrls(s, 'ch');
    expect(after.every((u) => u.includes(`/${output?.broadcastId}/`))).toBe(true);
    expect(output?.packager.rendition('video')?.nextPartId).toBeGreaterThan(2 * nextPart - 2);
    // Nothing was renumbered: a URL both playlists list is the same file.
    for (const url of after.filter((u) => before.includes(u) && /\/s\d+\.m4s$/.test(u))) {
      expect((await fetch(url)).status).toBe(200);
    }
  });
});

describe('an ended channel', () => {
  it('serves its ENDLIST playlist for the retention time, then frees the output and its sweep timer (404)', async () => {
    server = await new Server({ reconnectGraceMs: 50, endedRetentionMs: 400 }).listen();
    const s = server;
    s.broadcast('ch', media(events), false);
    const output = s.outputs.get('ch');
    if (!output) throw new Error('no output');
    let endedAt = 0;
    output.packager.onChange(() => {
      if (output.ended && endedAt === 0) endedAt = performance.now();
    });
    const stream = s.hub.get('ch');
    if (stream) s.hub.end(stream, 'disconnect');
    const ended = await until(
      async () => {
        const res = await fetch(s.url('/live/ch/video/index.m3u8'));
        return res.status === 200 && (await res.text()).includes('#EXT-X-ENDLIST') ? performance.now() : undefined;
      },
      { what: 'ENDLIST' },
    );
    expect(output.http.closed).toBe(false);
    const gone = await until(
      async () => {
        const res = await fetch(s.url('/live/ch/video/index.m3u8'));
        await res.arrayBuffer();
        return res.status === 404 ? performance.now() : undefined;
      },
      { what: '404 after retention' },
    );
    // The server keeps it exactly as long as configured (timers fire at most a millisecond early).
    expect(gone - endedAt).toBeGreaterThanOrEqual(400 - 2);
    console.log(
      `[retention] ENDLIST seen ${(ended - endedAt).toFixed(0)} ms after the end, 404 after ${(gone - endedAt).toFixed(0)} ms`,
    );
    expect(output.http.closed).toBe(true);
    expect(s.outputs.get('ch')).toBeUndefined();
    expect(s.outputs.all).toEqual([]);
    const res = await fetch(s.url('/live/ch/index.m3u8'));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'CHANNEL_NOT_LIVE' });
  });

  it('is replaced, not retired, when a new broadcast starts during the retention time', async () => {
    server = await new Server({ reconnectGraceMs: 50, endedRetentionMs: 300 }).listen();
    const s = server;
    s.broadcast('ch', media(events));
    const old = s.outputs.get('ch');
    await until(async () => (await playlistText(s, 'ch')).includes('#EXT-X-ENDLIST'), { what: 'ENDLIST' });
    s.broadcast('ch', media(events), false);
    const current = s.outputs.get('ch');
    expect(current).not.toBe(old);
    expect(old?.http.closed).toBe(true);
    // Past the old one's retention time (nothing to wait on: this checks that nothing happens), the new one stays.
    await new Promise((resolve) => setTimeout(resolve, 2 * 300));
    expect(s.outputs.get('ch')).toBe(current);
    expect((await fetch(s.url('/live/ch/video/index.m3u8'))).status).toBe(200);
  });
});

describe('a source without keyframes', () => {
  it('asks for a keyframe through onKeyframeRequest, naming the channel', () => {
    const requests: Array<{ channelId: string; sinceKeyframeSec: number; firstInBroadcast: boolean }> = [];
    const hub = new StreamHub({ onReaderError: () => {} });
    const outputs = new LlhlsOutputs({
      partTargetMs: 200,
      segmentTargetMs: 1000,
      reconnectGraceMs: 1000,
      onError: () => {},
      onKeyframeRequest: (channelId, r) =>
        requests.push({ channelId, sinceKeyframeSec: r.sinceKeyframeSec, firstInBroadcast: r.firstInBroadcast }),
    });
    hub.onStreamStart((stream) => outputs.onStreamStart(stream));
    const stream = hub.publish('nokeys', 'rtmp');
    // The source's first keyframe, then the same frames again and again with the keyframe flag off.
    const list = media(events);
    let offset = 0;
    for (let round = 0; round < 3; round++) {
      for (const e of list) {
        if (e.kind === 'video') {
          const au = { ...e.au, dts90k: e.au.dts90k + offset, pts90k: e.au.pts90k + offset };
          stream.push({ kind: 'video', au: { ...au, keyframe: round === 0 && e.au.dts90k === 0 } });
        } else if (e.kind !== 'audio') stream.push(e);
      }
      offset += 3 * 90000;
    }
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests[0]).toEqual({
      channelId: 'nokeys',
      sinceKeyframeSec: expect.closeTo(2, 1),
      firstInBroadcast: true,
    });
    expect(requests.slice(1).every((r) => !r.firstInBroadcast)).toBe(true);
    expect(outputs.get('nokeys')?.packager.rendition('video')?.forcedCuts).toBeGreaterThan(0);
    outputs.close();
  });
});
