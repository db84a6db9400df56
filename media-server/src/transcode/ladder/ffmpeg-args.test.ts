import { describe, expect, it } from 'vitest';
import { ladderArgs } from './ffmpeg-args.ts';
import { planLadder } from './ladder-spec.ts';

describe('ladderArgs', () => {
  it('splits the source once, scales each rung, drops frames only for a rung slower than the source', () => {
    const plan = planLadder(
      [
        { name: '720p', height: 720, fps: 60, bitrateKbps: 4000 },
        { name: '360p', height: 360, fps: 30, bitrateKbps: 700 },
      ],
      { width: 1920, height: 1080, fps: 60 },
    );
    const args = ladderArgs(plan);
    expect(args.filterComplex).toBe(
      "[0:v]split=2[s0][s1];[s0]scale=1280:720:flags=bilinear[o0];[s1]scale=640:360:flags=bilinear,select='key+isnan(prev_selected_t)+gte(t-prev_selected_t\\,0.0300)'[o1]",
    );
    const out = args.output.join(' ');
    expect(out).toContain('-map [o0] -b:v:0 4000k -maxrate:v:0 4000k -bufsize:v:0 4000k');
    expect(out).toContain('-map [o1] -b:v:1 700k');
    expect(out).toContain('-bf 0');
    expect(out).toContain('-force_key_frames source');
    expect(out).toMatch(/-f mpegts$/);
  });

  it('needs a rung', () => {
    expect(() => ladderArgs([])).toThrow(/at least one rung/);
  });
});
