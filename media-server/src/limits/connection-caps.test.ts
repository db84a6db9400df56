import { addressGroup } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { ConnectionCaps } from './connection-caps.ts';

describe('ConnectionCaps', () => {
  it('admits up to the per-address and total caps, and again after a release', () => {
    const caps = new ConnectionCaps({ maxTotal: 3, maxPerAddress: 2 });
    expect([caps.admit('10.0.0.1'), caps.admit('10.0.0.1'), caps.admit('10.0.0.1')]).toEqual([
      'admitted',
      'admitted',
      'over-per-address',
    ]);
    expect(caps.admit('10.0.0.2')).toBe('admitted');
    expect(caps.admit('10.0.0.3')).toBe('over-total');
    caps.release('10.0.0.1');
    expect(caps.total).toBe(2);
    expect(caps.admit('10.0.0.3')).toBe('admitted');
    expect(caps.admit('10.0.0.1')).toBe('over-total');
  });

  it('counts an IPv6 /64 as one address, and IPv4-mapped addresses as their IPv4 address', () => {
    const caps = new ConnectionCaps({ maxTotal: 100, maxPerAddress: 1 });
    expect(caps.admit('2001:db8:1:2::1')).toBe('admitted');
    expect(caps.admit('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('over-per-address');
    expect(caps.admit('2001:db8:1:3::1')).toBe('admitted');
    expect(caps.admit('192.0.2.7')).toBe('admitted');
    expect(caps.admit('::ffff:192.0.2.7')).toBe('over-per-address');
  });

  it('writes address groups in one form', () => {
    expect(addressGroup('2001:0DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('127.0.0.1')).toBe('127.0.0.1');
    expect(addressGroup('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });
});
