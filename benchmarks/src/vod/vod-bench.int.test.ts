/**
 * The proof that bench:vod's archive and playlist harnesses run end to end (the measurement itself is the benchmark
 * command): a few stream-seconds archived by Glint and both peers, and a 3-minute broadcast's playlists on SQLite.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../lib/scratch.ts';
import { runArchiveBench } from './archive-bench.ts';
import { runPlaylistBench } from './playlist-bench.ts';

const scratch = new Scratch();
afterAll(() => scratch.cleanUp());

describe('bench:vod harness', () => {
  it('archives the same segments through Glint and both peers, every one written, none skipped', async () => {
    const runs = await runArchiveBench({ scratch, minutes: 0.1, step: () => {} });
    expect(runs.map((r) => r.method)).toEqual(['writeFile', 'writeFile+fsync', 'glint']);
    for (const run of runs) {
      expect(run.segments, run.method).toBe(30);
      expect(run.cpuMs, run.method).toBeGreaterThan(0);
    }
    expect(runs[2]?.skipped).toBe(0);
    expect(runs[2]?.hotPathUsP50).toBeGreaterThan(0);
  }, 60_000);

  it("generates a broadcast's playlists cold and warm, and the hls-parser peer renders the same rows", async () => {
    const [run] = await runPlaylistBench({ hours: 0.05, dialects: ['sqlite'], repeats: 1, step: () => {} });
    expect(run?.segmentsPerRendition).toBe(180);
    expect(run?.mediaPlaylistBytes).toBeGreaterThan(180 * 20);
    expect(run?.coldMs[0]).toBeGreaterThan(0);
    expect(run?.peerRenderMs[0]).toBeGreaterThan(0);
  }, 60_000);
});
