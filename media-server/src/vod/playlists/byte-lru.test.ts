import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.ts';

describe('ByteLru', () => {
  it('evicts the least recently used past its byte budget; a get makes an entry recent', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A');
    lru.set('c', 'C', 40);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    expect(lru.bytes).toBe(80);
  });

  it('a grown entry pushes out older ones, never itself; deleteWhere drops by key', () => {
    const lru = new ByteLru<string, { n: number }>(100);
    const big = { n: 1 };
    lru.set('x/1', big, 10);
    lru.set('y/1', { n: 2 }, 10);
    lru.resize('x/1', big, 500);
    expect(lru.get('y/1')).toBeUndefined();
    expect(lru.get('x/1')).toBe(big);
    expect(lru.bytes).toBe(500);
    lru.set('x/2', { n: 3 }, 1);
    lru.deleteWhere((k) => k.startsWith('x/'));
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });
});
