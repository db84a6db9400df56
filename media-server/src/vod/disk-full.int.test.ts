/**
 * A full disk under the archive: the data folder is a nearly full 3 MiB tmpfs. Live LL-HLS goes on (the playlist keeps
 * advancing) while every archive write fails with ENOSPC; the error is in the stats, the log and the metrics.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { makeTempDir, requireTool, type TempDir, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';

/** The last media sequence number and part count of a live media playlist. */
function edge(playlist: string): { msn: number; parts: number } {
  const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? -1);
  const segments = playlist.split('\n').filter((l) => l.startsWith('#EXTINF')).length;
  const parts = playlist.split('\n').filter((l) => l.startsWith('#EXT-X-PART:')).length;
  return { msn: sequence + segments - 1, parts };
}

describe('archive on a full disk', () => {
  let dir: TempDir;
  let mounted = false;
  let mountError = '';
  let t: TestGlint | undefined;
  let encoder: ReturnType<typeof publish> | undefined;

  beforeAll(() => {
    requireTool('ffmpeg');
    dir = makeTempDir('vod-full');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir.path], { stdio: 'pipe' });
      mounted = true;
      // Leave ~48 KiB: the init segments fit, the first media segments do not.
      writeFileSync(dir.file('filler'), Buffer.alloc(3 * 1024 * 1024 - 48 * 1024));
    } catch (error) {
      mountError = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    }
  });
  afterAll(async () => {
    encoder?.child.kill('SIGKILL');
    await t?.stop();
    if (mounted) execFileSync('umount', [dir.path]);
    dir?.remove();
  });

  it('live parts keep coming while archive writes fail with ENOSPC; stats, log and metrics say so', async (ctx) => {
    if (!mounted) {
      ctx.skip(`mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN): ${mountError}`);
      return;
    }
    const glint = await startGlint(['alice'], { dataDir: dir.path });
    t = glint;
    encoder = publish(glint.glint.rtmpPort, `live/${glint.keys.alice}`, 30, true);
    await until(() => glint.glint.vod.stats.failedWrites > 0, {
      what: 'an archive write to fail',
      timeoutMs: 30_000,
      detail: () => JSON.stringify(glint.glint.vod.stats),
    });
    expect(glint.glint.vod.stats.lastError?.message).toMatch(/ENOSPC/);

    const playlist = async () => (await fetch(glint.http('/live/alice/video/index.m3u8'))).text();
    const atFailure = edge(await playlist());
    const failedAtFailure = glint.glint.vod.stats.failedWrites;
    // Three more segments live, each with its parts, while the archive keeps failing.
    const later = await until(
      async () => {
        const now = edge(await playlist());
        return now.msn >= atFailure.msn + 3 ? now : undefined;
      },
      { what: 'the live playlist to advance three segments', timeoutMs: 20_000 },
    );
    expect(later.parts).toBeGreaterThan(0);
    await until(() => glint.glint.vod.stats.failedWrites > failedAtFailure, { what: 'more failed writes' });
    const stats = glint.glint.vod.stats;
    expect(stats.skippedSegments).toBeGreaterThanOrEqual(stats.failedWrites);
    expect(stats.lastError?.message).toMatch(/ENOSPC/);

    const failures = glint.logs.filter((l) => l.includes('segment not archived: write failed'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/ENOSPC/);
    // Rate-limited: a handful of lines, not one per segment and rendition.
    expect(failures.length).toBeLessThanOrEqual(5);
    const metrics = await (await fetch(glint.http('/metrics'))).text();
    expect(Number(/^glint_archive_failed_writes_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // The operator's health check says so too, with the error's code and no server path.
    const health = (await (await fetch(glint.http('/healthz'))).json()) as { archive: Record<string, unknown> };
    expect(health.archive).toMatchObject({ status: 'failing', lastError: { code: 'ENOSPC' } });
    expect(JSON.stringify(health)).not.toContain(dir.path);
    expect(glint.glint.hub.isLive('alice')).toBe(true);
  }, 60_000);
});
