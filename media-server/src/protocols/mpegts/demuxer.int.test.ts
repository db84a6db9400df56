/** The demuxer against ffmpeg's MPEG-TS muxer (two H.264 streams with B-frames), checked against ffprobe. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { codec } from '@glint/media-core';
import { makeTempDir, probePackets, requireTool } from '@glint/testkit';
import { afterAll, expect, it } from 'vitest';
import { TsDemuxer, type TsEvent } from './demuxer.ts';

const run = promisify(execFile);
const dir = makeTempDir('mpegts');
afterAll(() => dir.remove());

it.each([false, true])(
  'reads every access unit of every stream with ffprobe’s timestamps (atomicPes %s)',
  async (atomicPes) => {
    const { stdout } = await run(
      requireTool('ffmpeg'),
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '2'],
        ...['-filter_complex', '[0:v]split=2[a][b];[b]scale=160:120[c]', '-map', '[a]', '-map', '[c]'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-g', '15', '-omit_video_pes_length', '0'],
        ...['-f', 'mpegts', 'pipe:1'],
      ],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const file = dir.file('two.ts');
    writeFileSync(file, stdout);
    const d = new TsDemuxer({ atomicPes });
    const events: TsEvent[] = [];
    // Chunks of odd sizes, as a pipe delivers them.
    for (let at = 0, n = 1; at < stdout.length; at += n, n = (n * 7 + 13) % 5000) {
      events.push(...d.push(new Uint8Array(stdout.subarray(at, at + n))));
    }
    events.push(...d.flush());
    expect(events.filter((e) => e.kind === 'stream-error')).toEqual([]);
    const pids = d.streams.map((s) => s.pid);
    expect(d.streams.map((s) => s.streamType)).toEqual([0x1b, 0x1b]);
    for (const [i, pid] of pids.entries()) {
      const ours = events.flatMap((e) => (e.kind === 'pes' && e.pid === pid ? [e] : []));
      const theirs = probePackets(file, `v:${i}`);
      expect(ours.map((e) => [e.pts90k, e.dts90k])).toEqual(theirs.map((p) => [p.pts, p.dts]));
      expect(ours.some((e) => e.pts90k !== e.dts90k)).toBe(true);
      for (const e of ours) expect(codec.splitAnnexB(e.data).length).toBeGreaterThan(0);
      expect(ours.map((e) => e.data.length)).toEqual(theirs.map((p) => p.size));
    }
  },
  30_000,
);
