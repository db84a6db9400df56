/** Verification, deletion and retention of archived broadcasts, on a real platform database and a real data folder. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { CompletedSegment } from '@glint/llhls-packager';
import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { makeTempDir, type TempDir, until } from '@glint/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vod } from './vod.ts';

const DAY_MS = 86_400_000;

function segment(msn: number, rendition = 'video'): CompletedSegment {
  return {
    broadcastId: 'folder',
    rendition,
    msn,
    durationSec: 1,
    programDateTimeMs: 1_700_000_000_000 + msn * 1000,
    discontinuity: false,
    init: new Uint8Array(Buffer.from(`init of ${rendition}`)),
    parts: [Buffer.from(`${rendition} segment ${msn}`)],
  };
}

describe('VOD verification, deletion and retention', () => {
  let dir: TempDir;
  let platform: Platform;
  let nowMs: number;
  const vods: Vod[] = [];

  function vodOf(options: { retentionMs?: number; recovered?: string[] } = {}): Vod {
    const vod = new Vod({
      dataDir: dir.path,
      index: platform.vods,
      onAir: (channel) => platform.broadcasts.onAir(channel),
      describe: () => undefined,
      logger: silentLogger,
      maxQueueBytes: 1 << 20,
      retentionMs: options.retentionMs ?? 0,
      nowMs: () => nowMs,
      ...(options.recovered ? { recovered: () => options.recovered ?? [] } : {}),
    });
    vods.push(vod);
    return vod;
  }

  /** A broadcast of `segments` video and audio segments, archived through the sink, then ended. */
  async function broadcast(vod: Vod, channel: string, segments: number): Promise<string> {
    await platform.seedChannel(channel, channel);
    platform.broadcasts.streamStarted(channel);
    await platform.broadcasts.settled();
    const id = platform.broadcasts.onAir(channel)?.broadcastId as string;
    const sink = vod.sinkFor(channel);
    for (let msn = 0; msn < segments; msn++) {
      sink?.onSegment(segment(msn));
      sink?.onSegment(segment(msn, 'audio'));
    }
    await vod.drained();
    platform.broadcasts.streamEnded(channel);
    await until(() => platform.broadcasts.onAir(channel) === undefined, { what: 'the broadcast to end' });
    await platform.broadcasts.settled();
    return id;
  }

  beforeEach(async () => {
    dir = makeTempDir('vod-maint');
    nowMs = 1_800_000_000_000;
    platform = await Platform.open({
      databaseUrl: 'sqlite::memory:',
      logger: silentLogger,
      reconnectGraceMs: 20,
      nowMs: () => nowMs,
    });
  });
  afterEach(async () => {
    for (const vod of vods.splice(0)) await vod.close();
    await platform.close();
    dir.remove();
  });

  it('verify marks missing, corrupt and truncated segments bad and leaves the rest; a second run checks only ok ones', async () => {
    const vod = vodOf();
    const id = await broadcast(vod, 'alice', 6);
    const video = await platform.vods.segments(id, 'video');
    rmSync(dir.file(video[1]?.key as string));
    writeFileSync(dir.file(video[3]?.key as string), Buffer.from('video segment X')); // same size, other bytes
    writeFileSync(dir.file(video[4]?.key as string), Buffer.from('video'));
    expect(await vod.verify(id)).toEqual({ checked: 12, bad: 3 });
    const after = await platform.vods.segments(id, 'video');
    expect(after.map((s) => s.ok)).toEqual([true, false, true, false, false, true]);
    expect((await platform.vods.segments(id, 'audio')).every((s) => s.ok)).toBe(true);
    expect(await vod.verify(id)).toEqual({ checked: 9, bad: 0 });
  });

  it('a missing init segment makes its segments bad', async () => {
    const vod = vodOf();
    const id = await broadcast(vod, 'bob', 3);
    const [first] = await platform.vods.segments(id, 'audio');
    rmSync(dir.file(first?.initKey as string));
    expect(await vod.verify(id)).toEqual({ checked: 6, bad: 3 });
  });

  it('start verifies the broadcasts a killed process left open, in the background', async () => {
    const writer = vodOf();
    const id = await broadcast(writer, 'carol', 4);
    const video = await platform.vods.segments(id, 'video');
    rmSync(dir.file(video[2]?.key as string));
    const restarted = vodOf({ recovered: [id] });
    await restarted.start();
    await until(async () => (await platform.vods.segments(id, 'video'))[2]?.ok === false, {
      what: 'the lost segment to be marked bad',
    });
    expect((await platform.vods.segments(id, 'video')).filter((s) => !s.ok)).toHaveLength(1);
  });

  it('deleteVod removes the index entries, the files and the folder; the broadcast record stays', async () => {
    const vod = vodOf();
    const id = await broadcast(vod, 'dave', 3);
    const other = await broadcast(vod, 'erin', 2);
    expect(existsSync(dir.file(`vod/${id}/video/0.m4s`))).toBe(true);
    await vod.deleteVod(id);
    expect(existsSync(dir.file(`vod/${id}`))).toBe(false);
    expect(await platform.vods.summary(id)).toBeUndefined();
    expect(await platform.vods.segments(id, 'video')).toEqual([]);
    expect((await platform.broadcasts.list('dave', {})).items.map((b) => b.id)).toEqual([id]);
    // Another VOD is untouched.
    expect(await platform.vods.summary(other)).toMatchObject({ state: 'ready' });
    expect(existsSync(dir.file(`vod/${other}/video/1.m4s`))).toBe(true);
    // Deleting again is harmless.
    await vod.deleteVod(id);
  });

  it('a VOD deleted while on air archives no more of that broadcast', async () => {
    const vod = vodOf();
    await platform.seedChannel('fay', 'fay');
    platform.broadcasts.streamStarted('fay');
    await platform.broadcasts.settled();
    const id = platform.broadcasts.onAir('fay')?.broadcastId as string;
    const sink = vod.sinkFor('fay');
    sink?.onSegment(segment(0));
    await vod.drained();
    await vod.deleteVod(id);
    sink?.onSegment(segment(1));
    await vod.drained();
    expect(await platform.vods.segments(id, 'video')).toEqual([]);
    expect(existsSync(dir.file(`vod/${id}`))).toBe(false);
  });

  it('retention deletes VODs that ended before now − retention at start, and keeps newer ones', async () => {
    const writer = vodOf();
    const old = [await broadcast(writer, 'gus', 2), await broadcast(writer, 'hal', 2)];
    nowMs += 5 * DAY_MS;
    const recent = await broadcast(writer, 'ivy', 2);
    nowMs += DAY_MS;
    const vod = vodOf({ retentionMs: 3 * DAY_MS });
    await vod.start();
    await until(() => old.every((id) => !existsSync(dir.file(`vod/${id}`))), {
      what: 'the old VODs to be deleted',
    });
    for (const id of old) {
      expect(await platform.vods.summary(id)).toBeUndefined();
      expect(existsSync(dir.file(`vod/${id}`))).toBe(false);
    }
    expect(await platform.vods.summary(recent)).toMatchObject({ state: 'ready' });
    expect(existsSync(dir.file(`vod/${recent}/audio/1.m4s`))).toBe(true);
  });
});
