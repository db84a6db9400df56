import { openTestPlatform } from '@glint/testkit/platform';
import { describe, expect, it } from 'vitest';
import { markEmotes } from './emote-parser.ts';
import { EmoteSets } from './emote-sets.ts';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

describe('EmoteSets over the real platform', () => {
  it('reads the built-in set and a channel’s uploads, subscriber-only ones marked for subscribers only', async () => {
    const { platform } = await openTestPlatform([]);
    try {
      const alice = await platform.signUp('alice', 'correct horse battery');
      await platform.emotes.put('alice', alice, 'aliceHype', PNG_HEAD, false);
      const gold = await platform.emotes.put('alice', alice, 'aliceGold', PNG_HEAD, true);
      const sets = new EmoteSets(platform.emotes);
      const set = await sets.get('alice');
      expect(set.size).toBe(platform.emotes.global().length + 2);
      const text = 'glintHeart aliceGold aliceHype';
      expect(markEmotes(text, set, false).map((m) => m.id)).toEqual(['global-glintHeart', set.get('aliceHype')?.id]);
      expect(markEmotes(text, set, true).map((m) => m.id)).toEqual([
        'global-glintHeart',
        gold.id,
        set.get('aliceHype')?.id,
      ]);
      // An upload on the platform is seen by the next message at once, not after the TTL.
      await platform.emotes.put('alice', alice, 'aliceNew', PNG_HEAD, false);
      expect((await sets.get('alice')).has('aliceNew')).toBe(true);
      await platform.emotes.remove('alice', alice, 'aliceHype');
      expect((await sets.get('alice')).has('aliceHype')).toBe(false);
      sets.close();
    } finally {
      await platform.close();
    }
  });
});
