import { LivePackager } from '@glint/llhls-packager';
import { type Fixture, interleave, type MediaItem } from '@glint/testkit';
import { toAvcc } from '../media/to-avcc.ts';

export interface MuxRun {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly parts: number;
}

export type InputFraming = 'annexb' | 'avcc';

export interface MuxInput {
  readonly items: readonly MediaItem[];
  readonly configure: (p: LivePackager) => void;
}

/**
 * Items to push, prepared once so a run measures the packager and nothing else; `passes` repeats the media with
 * shifted timestamps (sharing the payload bytes) so one run lasts long enough to time well.
 */
export function prepareInput(media: Fixture, framing: InputFraming, passes = 1): MuxInput {
  if (framing === 'annexb') {
    // SPS/PPS arrive in-band with each keyframe, as from an Annex B encoder or WHIP.
    const items = repeat(interleave(media.video, media.audio), media.duration90k, passes);
    return { items, configure: (p) => p.setAudioConfig(media.audioConfig) };
  }
  const avcc = toAvcc(media.video);
  return {
    items: repeat(interleave(avcc.units, media.audio), media.duration90k, passes),
    configure: (p) => {
      p.setAudioConfig(media.audioConfig);
      p.setVideoConfig({ codec: 'h264', sps: [avcc.sps], pps: [avcc.pps] });
    },
  };
}

/**
 * Pushes all the media through a fresh LivePackager as fast as it goes and returns the process CPU time spent
 * (user + system, all threads: GC included). The clock is a constant so no wall time leaks into the output.
 */
export function muxOnce(input: MuxInput): MuxRun {
  const packager = new LivePackager({ partTargetMs: 200, segmentTargetMs: 1000, clock: () => 0 });
  let parts = 0;
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  packager.onChange(() => parts++);
  input.configure(packager);
  for (const item of input.items) {
    if (item.kind === 'video') packager.pushVideo(item.au);
    else packager.pushAudio(item.frame);
  }
  packager.end();
  const wallMs = performance.now() - startWall;
  const cpu = process.cpuUsage(startCpu);
  if (packager.renditions.some((r) => r.lastCompleteMsn < 0)) throw new Error('mux run produced no segments');
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, parts };
}

/** The items `passes` times, each repetition shifted by `period90k` rounded up to a whole 30 fps video frame. */
function repeat(items: readonly MediaItem[], period90k: number, passes: number): MediaItem[] {
  const shiftStep = Math.ceil(period90k / 3000) * 3000;
  const out: MediaItem[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const shift = pass * shiftStep;
    for (const item of items) {
      if (item.kind === 'video') {
        const au = { ...item.au, dts90k: item.au.dts90k + shift, pts90k: item.au.pts90k + shift };
        out.push({ kind: 'video', au, t90k: item.t90k + shift });
      } else {
        out.push({
          kind: 'audio',
          frame: { ...item.frame, pts90k: item.frame.pts90k + shift },
          t90k: item.t90k + shift,
        });
      }
    }
  }
  return out;
}
