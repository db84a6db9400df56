import { describe, expect, it } from 'vitest';
import { AUDIO_SAMPLE_RATE, encoderArgs, samplesThroughFrame, tonePcm } from './encoder-args.ts';

const base = { fps: 30, width: 640, height: 360, gopSec: 1, bitrateKbps: 1500, audio: true } as const;
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('encoder args', () => {
  it('zerolatency: x264 veryfast tuned for latency, no B-frames, a fixed 1 s GOP', () => {
    const args = encoderArgs({ ...base, profile: 'zerolatency' });
    expect(after(args, '-preset')).toBe('veryfast');
    expect(after(args, '-tune')).toBe('zerolatency');
    expect(after(args, '-bf')).toBe('0');
    expect([after(args, '-g'), after(args, '-keyint_min'), after(args, '-sc_threshold')]).toEqual(['30', '30', '0']);
    expect([after(args, '-b:v'), after(args, '-maxrate'), after(args, '-bufsize')]).toEqual([
      '1500k',
      '1500k',
      '1500k',
    ]);
    expect(args.slice(-3)).toEqual(['-f', 'flv', 'pipe:1']);
  });

  it("obs-default: OBS's x264 defaults, no tune, 2 B-frames", () => {
    const args = encoderArgs({ ...base, profile: 'obs-default', gopSec: 2, audio: false });
    expect(args).not.toContain('-tune');
    expect(after(args, '-bf')).toBe('2');
    expect(after(args, '-g')).toBe('60');
    expect(args).not.toContain('pipe:3');
    expect(args).not.toContain('-c:a');
  });

  it('gives each frame its share of samples with no drift over a run', () => {
    expect(samplesThroughFrame(0, 30)).toBe(1600);
    expect(samplesThroughFrame(29, 30)).toBe(AUDIO_SAMPLE_RATE);
    expect(samplesThroughFrame(2999, 29.97)).toBe(Math.floor((3000 * AUDIO_SAMPLE_RATE) / 29.97));
    expect(tonePcm(0, 1600).length).toBe(1600 * 2 * 2);
  });
});
