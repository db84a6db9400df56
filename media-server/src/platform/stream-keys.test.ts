import * as crypto from 'node:crypto';
import { isGlintError } from '@glint/media-core';
import { describe, expect, it, vi } from 'vitest';
import {
  type Channel,
  generateStreamKey,
  MemoryStreamKeyStore,
  MIN_STREAM_KEY_LENGTH,
  WeakStreamKeyError,
} from './stream-keys.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const DEMO: Channel = { id: 'demo', displayName: 'Demo' };
const OTHER: Channel = { id: 'other', displayName: 'Other' };
const KEY = 'demo-key-0123456789';

describe('MemoryStreamKeyStore', () => {
  it('verifies an added key to its channel', async () => {
    const store = new MemoryStreamKeyStore();
    expect(store.add(DEMO, KEY)).toBe(KEY);
    store.add(OTHER, 'other-key-0123456789');
    expect(await store.verify(KEY)).toEqual(DEMO);
    expect(await store.verify('other-key-0123456789')).toEqual(OTHER);
  });

  it.each([
    ['a wrong key of the same length', 'demo-key-0123456780'],
    ['a prefix of the key', KEY.slice(0, -1)],
    ['the key and more', `${KEY}x`],
    ['another case', KEY.toUpperCase()],
    ['the empty string', ''],
  ])('answers null for %s', async (_label, given) => {
    const store = new MemoryStreamKeyStore();
    store.add(DEMO, KEY);
    expect(await store.verify(given)).toBeNull();
  });

  it('compares keys of the right length in constant time (timingSafeEqual), never with ===', async () => {
    const store = new MemoryStreamKeyStore();
    store.add(DEMO, KEY);
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    await store.verify('demo-key-0123456780');
    expect(compare).toHaveBeenCalledTimes(1);
    compare.mockClear();
    // A different length is refused before any byte comparison: the length is not the secret.
    await store.verify('short');
    expect(compare).not.toHaveBeenCalled();
  });

  it.each([
    ['empty', ''],
    ['one short of the minimum', 'x'.repeat(MIN_STREAM_KEY_LENGTH - 1)],
  ])('refuses a weak key (%s) with WeakStreamKeyError', (_label, key) => {
    const store = new MemoryStreamKeyStore();
    let thrown: unknown;
    try {
      store.add(DEMO, key);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WeakStreamKeyError);
    expect(isGlintError(thrown, 'STREAM_KEY_TOO_SHORT')).toBe(true);
    expect((thrown as Error).message).toContain(`at least ${MIN_STREAM_KEY_LENGTH} characters (got ${key.length})`);
  });

  it('accepts a key of exactly the minimum length', async () => {
    const store = new MemoryStreamKeyStore();
    const key = 'k'.repeat(MIN_STREAM_KEY_LENGTH);
    store.add(DEMO, key);
    expect(await store.verify(key)).toEqual(DEMO);
  });

  it('generates an unguessable key when none is given', async () => {
    const store = new MemoryStreamKeyStore();
    const key = store.add(DEMO);
    expect(key).toMatch(/^live_demo_[A-Za-z0-9_-]{22}$/);
    expect(await store.verify(key)).toEqual(DEMO);
    expect(generateStreamKey('demo')).not.toBe(generateStreamKey('demo'));
  });
});
