/**
 * Test helper: a source and its "rungs" as real ffmpeg encodes of one picture at several sizes, keyframes at the
 * same times and no B-frames, as the ladder's contract promises; replayed in real time into LiveStreams. Stands in
 * for the channel ladder until it lands. Not part of the runtime code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '@glint/testkit';
import { FlvDemuxer } from '../src/protocols/flv/demuxer.ts';
import { FlvMediaReader } from '../src/protocols/flv/flv-media-reader.ts';
import type { MediaEvent } from '../src/protocols/flv/types.ts';
import type { LiveStream } from '../src/stream/live-stream.ts';

const run = promisify(execFile);

export interface EncodeSpec {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly bitrateKbps: number;
}

/** Video events per spec, one ffmpeg run (one picture split), a keyframe every `keyframeSec`, 30 fps. */
export async function encodeLadder(
  specs: readonly EncodeSpec[],
  seconds: number,
  keyframeSec = 1,
): Promise<Map<string, MediaEvent[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'glint-ladder-'));
  try {
    const split = `[0:v]split=${specs.length}${specs.map((_, i) => `[s${i}]`).join('')};${specs
      .map((s, i) => `[s${i}]scale=${s.width}:${s.height}[o${i}]`)
      .join(';')}`;
    const outputs = specs.flatMap((s, i) => [
      ...['-map', `[o${i}]`, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
      ...['-b:v', `${s.bitrateKbps}k`, '-maxrate', `${s.bitrateKbps}k`, '-bufsize', `${s.bitrateKbps}k`],
      ...['-g', '600', '-keyint_min', '600', '-sc_threshold', '0'],
      ...['-force_key_frames', `expr:gte(t,n_forced*${keyframeSec})`, '-f', 'flv', '-y', join(dir, `${s.name}.flv`)],
    ]);
    await run(requireTool('ffmpeg'), [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-t', String(seconds)],
      ...['-i', 'testsrc2=size=640x360:rate=30', '-filter_complex', split, ...outputs],
    ]);
    const out = new Map<string, MediaEvent[]>();
    for (const s of specs) {
      const demuxer = new FlvDemuxer();
      const reader = new FlvMediaReader();
      const events: MediaEvent[] = [];
      for (const tag of demuxer.push(new Uint8Array(readFileSync(join(dir, `${s.name}.flv`))))) {
        const event = reader.tag(tag);
        if (event && event.kind !== 'metadata') events.push(event);
      }
      out.set(s.name, events);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes each clip's video into its stream at the pace of its timestamps, looped (timestamps moved on by the clip's
 * length each time), every stream's frame N at once, until `stop()`.
 */
export function replay(clips: ReadonlyArray<{ stream: LiveStream; events: readonly MediaEvent[] }>): {
  stop(): void;
} {
  let stopped = false;
  for (const { stream, events } of clips) {
    for (const e of events) if (e.kind === 'video-config') stream.push(e);
  }
  const frames = clips.map((c) => c.events.flatMap((e) => (e.kind === 'video' ? [e.au] : [])));
  const count = Math.min(...frames.map((f) => f.length));
  const frameTicks = 3000;
  const clipTicks = count * frameTicks;
  const start = performance.now();
  let n = 0;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((performance.now() - start) * 90) / frameTicks);
    for (; n <= due; n++) {
      const loop = Math.floor(n / count);
      const i = n % count;
      clips.forEach((c, k) => {
        const au = frames[k]?.[i];
        if (!au) return;
        const shift = loop * clipTicks;
        c.stream.push({ kind: 'video', au: { ...au, pts90k: au.pts90k + shift, dts90k: au.dts90k + shift } });
      });
    }
    setTimeout(tick, 5);
  };
  tick();
  return {
    stop: () => {
      stopped = true;
    },
  };
}
