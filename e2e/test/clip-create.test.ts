/**
 * Clips end to end: real ffmpeg publishes a 1 s GOP test pattern with AAC over RTMP, Glint archives it, and clips are
 * asked for over HTTP as a viewer would: the last seconds while live, a range of the VOD after the end. The clips are
 * read back with ffprobe and decoded by ffmpeg; bad requests, a flood and a full queue get clear refusals.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthUser } from '@glint/platform';
import { decodeErrors, launchChromium, makeTempDir, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { type ApiAnswer, callApi } from '@glint/testkit/platform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHANNEL = 'clipper';
const FRAME_SEC = 1 / 30;
let t: TestGlint;
let publisher: Publisher;
let browser: Browser | undefined;
let broadcastId: string;
const dir = makeTempDir('clips');

interface StreamInfo {
  codec_name: string;
  codec_type: string;
  duration?: string;
  width?: number;
}

function probe(file: string): { streams: StreamInfo[]; firstFrame: { key_frame: number; pict_type: string } } {
  const streams = JSON.parse(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type,duration,width', '-of', 'json', file],
      {
        encoding: 'utf8',
      },
    ),
  ).streams as StreamInfo[];
  const frames = JSON.parse(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-read_intervals',
        '%+#1',
        '-show_entries',
        'frame=key_frame,pict_type',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8' },
    ),
  ).frames;
  return { streams, firstFrame: frames[0] };
}

/** Polls a clip until it is ready (or failed: the test then fails with its reason). */
async function ready(id: string) {
  return until(
    async () => {
      const answer = await callApi(t.http(`/api/clips/${id}`));
      if (answer.body.status === 'failed') throw new Error(`clip ${id} failed: ${answer.body.error}`);
      return answer.body.status === 'ready' ? answer.body : undefined;
    },
    { what: `clip ${id} to be ready`, timeoutMs: 40_000, intervalMs: 200 },
  );
}

async function download(path: string, file: string): Promise<string> {
  const response = await fetch(t.http(path));
  expect(response.status).toBe(200);
  writeFileSync(join(dir.path, file), Buffer.from(await response.arrayBuffer()));
  return join(dir.path, file);
}

async function archivedSec(): Promise<number> {
  const summary = await t.glint.platform.vods.summary(broadcastId);
  return (summary?.durationUs ?? 0) / 1e6;
}

beforeAll(async () => {
  t = await startGlint([CHANNEL, 'other'], {
    reconnectGraceMs: 1000,
    clipsPerHourPerUser: 2,
    clipMaxQueued: 3,
  });
  publisher = publish(t.rtmp(CHANNEL), { seconds: 16 });
  broadcastId = await until(async () => t.glint.platform.broadcasts.onAir(CHANNEL)?.broadcastId, {
    what: 'the broadcast to start',
    timeoutMs: 15_000,
  });
}, 60_000);

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
  dir.remove();
});

describe('clips', () => {
  it('clips the last 6 s of the live broadcast while it is on air', async () => {
    await until(async () => ((await archivedSec()) >= 8 ? true : undefined), {
      what: '8 s archived',
      timeoutMs: 20_000,
    });
    const asked = await callApi(t.http('/api/clips'), { json: { channel: CHANNEL, seconds: 6, title: 'live!' } });
    expect(asked.status, asked.text).toBe(202);
    expect(asked.body).toMatchObject({ channel: CHANNEL, broadcastId, title: 'live!', durationSec: 6 });
    expect(['queued', 'making']).toContain(asked.body.status);
    const clip = await ready(asked.body.id);
    expect(clip.videoUrl).toBe(`/clips/${clip.id}.mp4`);
    const file = await download(clip.videoUrl, 'live.mp4');
    const { streams, firstFrame } = probe(file);
    const video = streams.find((s) => s.codec_type === 'video');
    expect(Math.abs(Number(video?.duration) - 6)).toBeLessThanOrEqual(FRAME_SEC + 1e-6);
    expect(streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(firstFrame).toMatchObject({ key_frame: 1, pict_type: 'I' });
    expect(decodeErrors(file)).toBe('');
  });

  it('clips a range of the VOD after the broadcast ends, frame exact, with a JPEG thumbnail and byte ranges', async () => {
    await until(
      async () => ((await t.glint.platform.vods.summary(broadcastId))?.state === 'ready' ? true : undefined),
      {
        what: 'the VOD to be ready',
        timeoutMs: 30_000,
      },
    );
    const asked = await callApi(t.http('/api/clips'), {
      json: { broadcastId, startSec: 2.25, endSec: 9.6 },
      localAddress: '127.0.0.2',
    });
    expect(asked.status, asked.text).toBe(202);
    const clip = await ready(asked.body.id);
    expect(clip).toMatchObject({ startSec: 2.25, durationSec: 7.35, thumbnailUrl: `/clips/${clip.id}.jpg` });
    const file = await download(clip.videoUrl, 'vod.mp4');
    const { streams, firstFrame } = probe(file);
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    console.log(`VOD clip: asked 7.350 s, video ${video?.duration} s, audio ${audio?.duration} s`);
    expect(Math.abs(Number(video?.duration) - 7.35)).toBeLessThanOrEqual(FRAME_SEC + 1e-6);
    expect(Math.abs(Number(audio?.duration) - 7.35)).toBeLessThanOrEqual(FRAME_SEC + 1e-6);
    expect(firstFrame).toMatchObject({ key_frame: 1, pict_type: 'I' });
    expect(decodeErrors(file)).toBe('');

    const part = await fetch(t.http(clip.videoUrl), { headers: { Range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(100);

    const thumb = probe(await download(clip.thumbnailUrl, 'thumb.jpg')).streams[0];
    expect(thumb).toMatchObject({ codec_name: 'mjpeg', width: 640 });

    const list = await callApi(t.http(`/api/channels/${CHANNEL}/clips`));
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(clip.id);

    // Chromium plays it from the first frame to the end (byte ranges, moov first).
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(t.http(`/api/clips/${clip.id}`));
    const played = await page.evaluate(async (src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = src;
      document.body.append(video);
      await new Promise<void>((resolve, reject) => {
        video.onended = () => resolve();
        video.onerror = () => reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`));
        video.onloadedmetadata = () => {
          video.playbackRate = 4;
          video.play().catch(reject);
        };
      });
      const quality = video.getVideoPlaybackQuality();
      return { duration: video.duration, width: video.videoWidth, frames: quality.totalVideoFrames };
    }, clip.videoUrl);
    console.log(`Chromium played the clip: ${JSON.stringify(played)}`);
    expect(Math.abs(played.duration - 7.35)).toBeLessThanOrEqual(FRAME_SEC + 0.001);
    expect(played.width).toBe(640);
    expect(played.frames).toBeGreaterThan(0);
  });

  it('refuses bad requests with a code and a sentence, and still serves clips', async () => {
    const vodSec = await archivedSec();
    const cases: [unknown, number, string][] = [
      [{ broadcastId, startSec: vodSec - 3, endSec: vodSec + 4 }, 400, 'CLIP_RANGE_INVALID'],
      [{ broadcastId, startSec: -2, endSec: 6 }, 400, 'CLIP_RANGE_INVALID'],
      [{ broadcastId, startSec: 0, endSec: 70 }, 400, 'CLIP_RANGE_INVALID'],
      [{ broadcastId, startSec: 1, endSec: 3 }, 400, 'CLIP_RANGE_INVALID'],
      [{ broadcastId: 'zzzzzzzzzzzzzzzzzzz', startSec: 0, endSec: 6 }, 404, 'NO_SUCH_VOD'],
      [{ broadcastId, startSec: '0', endSec: 6 }, 400, 'CLIP_BAD_REQUEST'],
      [{ channel: CHANNEL, seconds: 10 }, 404, 'NOT_LIVE'],
      [{ channel: CHANNEL, seconds: 61 }, 400, 'CLIP_RANGE_INVALID'],
      [{ channel: CHANNEL, seconds: 6, broadcastId }, 400, 'CLIP_BAD_REQUEST'],
      [[1, 2], 400, 'CLIP_BAD_REQUEST'],
    ];
    for (const [json, status, code] of cases) {
      const answer = await callApi(t.http('/api/clips'), { json, localAddress: '127.0.0.3' });
      expect({ json, status: answer.status, code: answer.body?.code }).toEqual({ json, status, code });
      expect(answer.body.message.length).toBeGreaterThan(10);
    }
    const malformed = await callApi(t.http('/api/clips'), {
      rawBody: '{"broadcastId": ',
      headers: { 'content-type': 'application/json' },
    });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'CLIP_BAD_REQUEST']);
    const huge = await callApi(t.http('/api/clips'), {
      json: { broadcastId, startSec: 0, endSec: 6, title: 'x'.repeat(5000) },
    });
    expect([huge.status, huge.body.code]).toEqual([413, 'CLIP_BAD_REQUEST']);
    expect((await callApi(t.http('/api/clips/zzzzzzzzzzzzzzzzzzz'))).body.code).toBe('NO_SUCH_CLIP');
    // Bad requests did not count against the address's clips.
    const ok = await callApi(t.http('/api/clips'), {
      json: { broadcastId, startSec: 0, endSec: 5 },
      localAddress: '127.0.0.3',
    });
    expect(ok.status, ok.text).toBe(202);
  });

  it('rate limits a flood of clip requests per address (429 + Retry-After) and refuses when the queue is full (503)', async () => {
    await until(
      async () =>
        (await callApi(t.http(`/api/channels/${CHANNEL}/clips`))).body.items.every(
          (c: { status: string }) => c.status === 'ready' || c.status === 'failed',
        )
          ? true
          : undefined,
      {
        what: 'earlier clips to be made',
        timeoutMs: 40_000,
      },
    );
    const range = { broadcastId, startSec: 1, endSec: 6 };
    const flood: ApiAnswer[] = [];
    for (let i = 0; i < 4; i++)
      flood.push(await callApi(t.http('/api/clips'), { json: range, localAddress: '127.0.0.4' }));
    expect(flood.map((a) => a.status)).toEqual([202, 202, 429, 429]);
    expect(flood[2]?.body.code).toBe('CLIP_RATE_LIMITED');
    expect(Number(flood[2]?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Two are waiting; three addresses at once: one fits the queue of 3, the others are told it is full.
    const burst = await Promise.all(
      ['127.0.0.5', '127.0.0.6', '127.0.0.7'].map((localAddress) =>
        callApi(t.http('/api/clips'), { json: range, localAddress }),
      ),
    );
    const full = burst.filter((a) => a.status === 503);
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(full[0]?.body.code).toBe('CLIP_QUEUE_FULL');
    for (const a of [...flood, ...burst].filter((a) => a.status === 202)) await ready(a.body.id);
  });

  it('deletes a clip for its channel owner only', async () => {
    const { platform } = t.glint;
    const sessionOf = async (login: string) =>
      (await platform.accounts.openSession((await platform.accounts.userByLogin(login)) as AuthUser)).token;
    const owner = await sessionOf(CHANNEL);
    const other = await sessionOf('other');
    const list = await callApi(t.http(`/api/channels/${CHANNEL}/clips`));
    const id = list.body.items[0].id as string;
    expect((await callApi(t.http(`/api/clips/${id}`), { method: 'DELETE' })).status).toBe(401);
    expect((await callApi(t.http(`/api/clips/${id}`), { method: 'DELETE', bearer: other })).status).toBe(403);
    expect((await callApi(t.http(`/api/clips/${id}`), { method: 'DELETE', bearer: owner })).status).toBe(204);
    expect((await callApi(t.http(`/api/clips/${id}`))).status).toBe(404);
    expect((await fetch(t.http(`/clips/${id}.mp4`))).status).toBe(404);
  });
});
