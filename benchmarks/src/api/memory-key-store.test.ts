import { describe, expect, it } from 'vitest';
import { MemoryKeyStore } from './memory-key-store.ts';

describe('MemoryKeyStore', () => {
  const store = new MemoryKeyStore(new Map([['alice', 'live_alice_0123456789abcdef']]));

  it("finds a key's channel by its digest", async () => {
    expect(await store.verify('live_alice_0123456789abcdef')).toEqual({ id: 'alice', displayName: 'alice' });
  });

  it('refuses an unknown key, a short one and an over-long one', async () => {
    expect(await store.verify('live_alice_0123456789abcdeF')).toBeNull();
    expect(await store.verify('short')).toBeNull();
    expect(await store.verify('x'.repeat(513))).toBeNull();
  });
});
