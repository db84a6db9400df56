import { describe, expect, it } from 'vitest';
import { LlhlsViewers } from './llhls-viewers.ts';
import { viewerId } from './viewer-id.ts';

describe('LlhlsViewers', () => {
  it('counts distinct viewers of the current and previous window, and drops a viewer within two windows', () => {
    let now = 0;
    const viewers = new LlhlsViewers({ windowMs: 5000, nowMs: () => now });
    viewers.seen('a', 'x');
    viewers.seen('a', 'x');
    viewers.seen('a', 'y');
    viewers.seen('b', 'x');
    expect(viewers.count('a')).toBe(2);
    expect(viewers.count('b')).toBe(1);
    now = 5000;
    viewers.seen('a', 'x');
    expect(viewers.count('a')).toBe(2);
    now = 10_000;
    viewers.seen('a', 'x');
    expect(viewers.count('a')).toBe(1);
    now = 20_000;
    expect(viewers.count('a')).toBe(0);
    expect(viewers.count('nobody')).toBe(0);
  });

  it('saturates at its bound instead of growing without end', () => {
    const viewers = new LlhlsViewers({ maxViewersPerChannel: 100 });
    for (let i = 0; i < 10_000; i++) viewers.seen('a', `v${i}`);
    expect(viewers.count('a')).toBe(100);
  });
});

describe('viewerId', () => {
  const none = new URLSearchParams();
  it("takes the player's id from the header or the query, and ignores a malformed one", () => {
    expect(viewerId({ 'x-glint-viewer': 'abcdefgh12' }, none, '1.2.3.4')).toBe('v:abcdefgh12');
    expect(viewerId({}, new URLSearchParams('viewer=abcdefgh12'), '1.2.3.4')).toBe('v:abcdefgh12');
    expect(viewerId({ 'x-glint-viewer': 'bad id!' }, none, '1.2.3.4')).toMatch(/^a:/);
  });
  it('tells plain pollers apart by address and user agent, without keeping the address', () => {
    const a = viewerId({ 'user-agent': 'curl' }, none, '1.2.3.4');
    expect(a).not.toContain('1.2.3.4');
    expect(viewerId({ 'user-agent': 'curl' }, none, '1.2.3.4')).toBe(a);
    expect(viewerId({ 'user-agent': 'wget' }, none, '1.2.3.4')).not.toBe(a);
    expect(viewerId({ 'user-agent': 'curl' }, none, '1.2.3.5')).not.toBe(a);
  });
});
