/**
 * A broadcaster whose ffmpeg drops and comes back within the grace period: one broadcast, one VOD, with a
 * discontinuity (and the wall clock again) where the stream came back. Then a segment file corrupted on disk: once
 * the archive has verified the broadcast, the playlist leaves that segment out with a discontinuity and still parses,
 * and the segments around it still probe.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, type Publisher, publish, requireTool, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mediaPlaylist } from '../support/llhls-client.ts';

const run = promisify(execFile);
let t: TestGlint;
const publishers: Publisher[] = [];
const scratch = makeTempDir('vod-reconnect');
let broadcastId = '';

beforeAll(async () => {
  requireTool('ffprobe');
  t = await startGlint(['recon'], { reconnectGraceMs: 5000 });
}, 60_000);

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await t?.stop();
  scratch.remove();
});

it('a reconnect within the grace period stays one VOD, with a discontinuity where the stream came back', async () => {
  const first = publish(t.rtmp('recon'), { seconds: 8 });
  publishers.push(first);
  expect(await first.exited).toBe(0);
  const onAir = t.glint.platform.broadcasts.onAir('recon');
  expect(onAir).toBeDefined();
  broadcastId = onAir?.broadcastId ?? '';
  const before = await mediaPlaylist(t.http(`/vods/${broadcastId}/video/index.m3u8`));
  expect(before.playlistType).toBe('EVENT');

  const second = publish(t.rtmp('recon'), { seconds: 6 });
  publishers.push(second);
  expect(await second.exited).toBe(0);
  await until(
    async () => {
      const res = await fetch(t.http(`/api/vods/${broadcastId}`));
      return res.ok && (await res.json()).state === 'ready' ? true : undefined;
    },
    { what: 'the VOD to be ready', timeoutMs: 30_000, intervalMs: 250 },
  );

  const list = await (await fetch(t.http('/api/channels/recon/vods'))).json();
  expect(list.items.map((i: { id: string }) => i.id)).toEqual([broadcastId]);
  for (const rendition of ['video', 'audio']) {
    const vod = await mediaPlaylist(t.http(`/vods/${broadcastId}/${rendition}/index.m3u8`));
    expect(vod.playlistType).toBe('VOD');
    expect(vod.endlist).toBe(true);
    const breaks = vod.segments.flatMap((s, i) => (s.discontinuity ? [i] : []));
    expect(breaks, rendition).toHaveLength(1);
    const at = breaks[0] as number;
    // The second stream starts after the first one's segments, its own wall clock said again.
    expect(at).toBeGreaterThanOrEqual(5);
    expect(vod.segments[at]?.programDateTime).toBeDefined();
    const totalSec = vod.segments.reduce((sum, s) => sum + s.duration, 0);
    console.log(
      `[vod reconnect] ${rendition}: ${vod.segments.length} segments, ${totalSec.toFixed(2)} s for 8 + 6 s published, ` +
        `discontinuity before segment ${at}`,
    );
    expect(totalSec).toBeGreaterThan(11);
    expect(totalSec).toBeLessThan(15);
  }
}, 75_000);

it('a segment corrupted on disk is left out with a discontinuity once verified; the playlist still parses', async () => {
  expect(broadcastId).not.toBe('');
  const file = join(t.glint.config.dataDir, 'vod', broadcastId, 'video', '3.m4s');
  // Same size, other bytes: only the hash can tell.
  writeFileSync(file, Buffer.alloc(statSync(file).size, 0x5a));
  const result = await t.glint.vod.verify(broadcastId);
  expect(result.bad).toBe(1);
  // The playlist served from here on (the archive tells the playlist cache of the bad segment) leaves it out.

  const vod = await mediaPlaylist(t.http(`/vods/${broadcastId}/video/index.m3u8`));
  expect(vod.endlist).toBe(true);
  const uris = vod.segments.map((s) => s.uri);
  expect(uris).not.toContain('3.m4s');
  const next = vod.segments[uris.indexOf('4.m4s')];
  expect(next?.discontinuity).toBe(true);
  expect(next?.programDateTime).toBeDefined();

  // The segments either side of the hole still probe with their init.
  for (const uri of ['2.m4s', '4.m4s']) {
    const segment = vod.segments[uris.indexOf(uri)];
    const base = t.http(`/vods/${broadcastId}/video/`);
    const init = Buffer.from(await (await fetch(base + segment?.map?.uri)).arrayBuffer());
    const bytes = Buffer.from(await (await fetch(base + uri)).arrayBuffer());
    const out = join(scratch.path, `${uri}.mp4`);
    writeFileSync(out, Buffer.concat([init, bytes]));
    const { stdout, stderr } = await run('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      out,
    ]);
    expect(stderr).toBe('');
    expect(Number(stdout.trim())).toBeGreaterThan(20);
  }
  expect(readFileSync(file)[0]).toBe(0x5a);
}, 30_000);
