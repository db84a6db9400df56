/**
 * The clip queue on a real platform index (in-memory SQLite) and a real local-disk store: clips a killed process left
 * queued or making are taken up again by the next one, a clip whose media is gone fails with a reason a viewer can
 * read, and the queue's bound holds.
 */
import { silentLogger } from '@glint/media-core';
import { makeTempDir, until } from '@glint/testkit';
import { openTestPlatform } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDiskStore } from '../storage/local-disk-store.ts';
import { ClipJobs } from './clip-jobs.ts';
import { ClipMaker } from './clip-maker.ts';

const dir = makeTempDir('clip-jobs');
let testPlatform: Awaited<ReturnType<typeof openTestPlatform>>;

beforeAll(async () => {
  testPlatform = await openTestPlatform(['dave']);
});

afterAll(async () => {
  await testPlatform?.platform.close();
  dir.remove();
});

function jobsFor(maxQueued: number): ClipJobs {
  const index = testPlatform.platform.vods;
  const store = new LocalDiskStore(dir.path);
  return new ClipJobs({ maker: new ClipMaker({ store, index }), index, store, logger: silentLogger, maxQueued });
}

describe('ClipJobs', () => {
  it('re-queues a clip a killed process left, which then fails clearly when its media is gone', async () => {
    const index = testPlatform.platform.vods;
    const left = await index.createClip({
      channel: 'dave',
      broadcastId: '0mx3w54du11pfv2dwa6',
      title: 'left behind',
      createdBy: null,
      startUs: 0,
      durationUs: 10_000_000,
    });
    await index.updateClip(left.id, { status: 'making' });
    // The next process starts later than the clip was asked for.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const jobs = jobsFor(4);
    const now = await jobs.recover((await index.clip(left.id)) ?? left);
    expect(now.status).toBe('queued');
    const failed = await until(
      async () => {
        const clip = await index.clip(left.id);
        return clip?.status === 'failed' ? clip : undefined;
      },
      { what: 'the recovered clip to fail', timeoutMs: 20_000 },
    );
    expect(failed.error).toBe('no archived video covers the asked range');
    // A clip this process queued itself is not "recovered" again.
    const fresh = await index.createClip({ ...left, title: 'fresh', createdBy: null });
    expect(await jobs.recover(fresh)).toBe(fresh);
    await jobs.close();
  });

  it('holds its bound and fails a left clip it has no room for', async () => {
    const index = testPlatform.platform.vods;
    const base = { channel: 'dave', broadcastId: '0mx3w54du11pfv2dwa6', createdBy: null, startUs: 0 };
    const left = await index.createClip({ ...base, title: 'left', durationUs: 10_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const jobs = jobsFor(1);
    const mine = await index.createClip({ ...base, title: 'mine', durationUs: 10_000_000 });
    expect(jobs.enqueue(mine.id)).toBe(true);
    expect(jobs.full).toBe(true);
    expect(jobs.enqueue(mine.id)).toBe(false);
    const now = await jobs.recover(left);
    expect(now).toMatchObject({ status: 'failed', error: expect.stringMatching(/restarted.*ask for it again/) });
    await jobs.close();
  });
});
