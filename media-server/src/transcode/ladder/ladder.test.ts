/** The ladder's decisions that start no ffmpeg: nothing to make, or nothing to read. */
import { describe, expect, it } from 'vitest';
import { LiveStream } from '../../stream/live-stream.ts';
import { Ladder } from './ladder.ts';
import { parseLadderSpec } from './ladder-spec.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** x264's SPS for High profile 640x360. */
const SPS_360 = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const PPS = hex('68ebe3cb22c0');
const KEYFRAME = { data: hex('0000000465888040'), format: 'avcc', pts90k: 0, dts90k: 0, keyframe: true } as const;

function sourceAt(channelId: string): LiveStream {
  const source = new LiveStream(channelId, 'rtmp', 0, () => {});
  source.push({ kind: 'video-config', config: { codec: 'h264', sps: [SPS_360], pps: [PPS] } });
  return source;
}

describe('Ladder (no ffmpeg)', () => {
  it('has no rung under a source no taller than its rungs', async () => {
    const source = sourceAt('c1');
    const ladder = new Ladder({ source, spec: parseLadderSpec('720p30:2500,480p30:1200,360p30:700') });
    source.push({ kind: 'video', au: KEYFRAME });
    expect(ladder.rungs()).toEqual([]);
    expect(ladder.stats).toMatchObject({ pid: undefined, rungs: 0, restarts: 0, lagMs: 0, realtimeFactor: 0 });
    await ladder.close();
  });

  it('starts nothing for `source`, and nothing for a source that has already ended', async () => {
    const source = sourceAt('c2');
    const ladder = new Ladder({ source, spec: parseLadderSpec('source') });
    source.push({ kind: 'video', au: KEYFRAME });
    expect(ladder.stats.pid).toBeUndefined();
    source.end('unpublish');
    const ended = sourceAt('c3');
    ended.end('unpublish');
    const late = new Ladder({ source: ended, spec: parseLadderSpec('240p30:300') });
    ended.push({ kind: 'video', au: KEYFRAME });
    expect(late.rungs()).toEqual([]);
    await late.close();
    await ladder.close();
  });
});
