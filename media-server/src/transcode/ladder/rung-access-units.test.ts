import { describe, expect, it } from 'vitest';
import { RungAccessUnits } from './rung-access-units.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const AUD = '0000000109f0';
const SPS = '000000016764001eacd940a02ff970110000030001000003003c0f162d96';
const PPS = '0000000168ebe3cb22c0';
const IDR = '0000000165888040';
const P = '000000014188aabb';

describe('RungAccessUnits', () => {
  it('waits for a keyframe, reads its parameter sets once, drops the AUD, DTS = PTS', () => {
    const r = new RungAccessUnits();
    expect(r.frame(hex(AUD + P), 1000)).toBeNull();
    const first = r.frame(hex(AUD + SPS + PPS + IDR), 3000);
    expect(first?.config?.sps[0]).toEqual(hex(SPS.slice(8)));
    expect(first?.au).toEqual({
      data: hex(SPS + PPS + IDR),
      format: 'annexb',
      pts90k: 3000,
      dts90k: 3000,
      keyframe: true,
    });
    expect(r.frame(hex(AUD + P), 6000)).toMatchObject({ config: null, au: { keyframe: false, data: hex(P) } });
    expect(r.frame(hex(AUD + SPS + PPS + IDR), 9000)?.config).toBeNull(); // same parameter sets: no new config
  });

  it('refuses bytes that are not H.264 and a first keyframe without parameter sets', () => {
    expect(() => new RungAccessUnits().frame(hex('0102030405'), 0)).toThrow(
      expect.objectContaining({ code: 'RUNG_FAILED' }),
    );
    expect(() => new RungAccessUnits().frame(hex(`000001${'80'.repeat(4)}`), 0)).toThrow(/no valid NAL/);
    expect(() => new RungAccessUnits().frame(hex(AUD + IDR), 0)).toThrow(/without SPS\/PPS/);
  });
});
