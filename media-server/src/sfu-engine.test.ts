import { describe, expect, it } from 'vitest';
import { decideEngine } from './sfu-engine.ts';

describe('choosing the SFU engine', () => {
  it('auto: mediasoup when built and channels have one layer; werift with a ladder or before the build', () => {
    expect(decideEngine('auto', 0, true, '/c').engine).toBe('mediasoup');
    expect(decideEngine('auto', 3, true, '/c')).toMatchObject({ engine: 'werift', wantsMediasoup: false });
    expect(decideEngine('auto', 0, false, '/c')).toMatchObject({ engine: 'werift', wantsMediasoup: true });
    expect(decideEngine('auto', 0, false, '/c').reason).toMatch(/npm run sfu:build/);
  });

  it('an explicit choice wins over the ladder; mediasoup waits for its build', () => {
    expect(decideEngine('mediasoup', 3, true, '/c').engine).toBe('mediasoup');
    expect(decideEngine('mediasoup', 3, false, '/c')).toMatchObject({ engine: 'werift', wantsMediasoup: true });
    expect(decideEngine('werift', 0, true, '/c')).toMatchObject({ engine: 'werift', wantsMediasoup: false });
  });
});
