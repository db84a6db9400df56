/** The peer: N channels, each transcoded the classic way (one ffmpeg per rung, see peer-args.ts), fed in real time. */
import { requireTool } from '@glint/testkit';
import type { FlvFile } from '../ingest/flv.ts';
import type { Child, Scratch } from '../lib/scratch.ts';
import type { RunTiming } from './glint-run.ts';
import { type ChannelFigures, type MeasuredChannel, measureWindow } from './measure.ts';
import { peerArgs } from './peer-args.ts';
import { flvHeader, flvTagBytes, startReplay } from './replay.ts';
import type { Rung, SourceSpec } from './rungs.ts';

/** Input an ffmpeg has not read yet, at most: beyond it the peer is hopelessly behind. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

interface PeerEncoder {
  readonly child: Child;
  /** The last progress report's out_time, ms (-1 before the first). */
  outMs: number;
  trouble: string | undefined;
}

function startEncoder(scratch: Scratch, rung: Rung, source: SourceSpec): PeerEncoder {
  const child = scratch.spawn(requireTool('ffmpeg'), peerArgs(rung, source), { stdio: ['pipe', 'ignore', 'pipe'] });
  const encoder: PeerEncoder = { child, outMs: -1, trouble: undefined };
  let partial = '';
  child.process.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = (lines.pop() ?? '').slice(-1000);
    for (const line of lines) {
      const m = /^out_time_us=(\d+)/.exec(line);
      if (m) encoder.outMs = Number(m[1]) / 1000;
    }
  });
  child.process.stdin?.on('error', () => {}); // EPIPE after a crash: the exit says it
  void child.exited.then((code) => {
    encoder.trouble ??= `ffmpeg exited (${code}): ${child.stderr().slice(-300)}`;
  });
  return encoder;
}

export async function runPeer(
  scratch: Scratch,
  flv: FlvFile,
  source: SourceSpec,
  rungs: readonly Rung[],
  count: number,
  timing: RunTiming,
  say: (text: string) => void,
): Promise<ChannelFigures[]> {
  const encoders = Array.from({ length: count }, () => rungs.map((r) => startEncoder(scratch, r, source)));
  const all = encoders.flat();
  for (const e of all) e.child.process.stdin?.write(flvHeader());
  const replay = startReplay(
    flv,
    (tag) => {
      const bytes = flvTagBytes(tag.type, tag.timestampMs, tag.body);
      for (const e of all) {
        const stdin = e.child.process.stdin;
        if (!stdin || e.trouble) continue;
        if (stdin.writableLength > MAX_PENDING_BYTES) e.trouble = `ffmpeg left ${stdin.writableLength} bytes unread`;
        else stdin.write(bytes);
      }
    },
    { audio: false },
  );
  try {
    say(`${all.length} ffmpeg(s) starting`);
    const deadline = performance.now() + 30_000;
    while (all.some((e) => e.outMs < 0 && !e.trouble)) {
      if (performance.now() > deadline) throw new Error('the peer ffmpegs made no output within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    say(`warming up ${timing.warmMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, timing.warmMs));
    const channels: MeasuredChannel[] = encoders.map((group) => ({
      pids: () => group.flatMap((e) => (e.child.process.pid === undefined ? [] : [e.child.process.pid])),
      lagMs: () => replay.sentMs - Math.min(...group.map((e) => e.outMs)),
      trouble: () => group.find((e) => e.trouble)?.trouble,
    }));
    return await measureWindow(channels, () => replay.sentMs, timing.windowMs, say);
  } finally {
    replay.stop();
    await Promise.all(all.map((e) => scratch.stop(e.child)));
  }
}
