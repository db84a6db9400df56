import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedAddresses, serverPeerConfig } from './peer-config.ts';

function iface(address: string, internal = false, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo {
  const base = { address, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

const machine = () => ({
  lo: [iface('127.0.0.1', true)],
  eth0: [iface('192.0.2.2'), iface('fd00::2', false, 'IPv6')],
  docker0: [iface('172.17.0.1')],
});

describe('advertisedAddresses', () => {
  it('is the bind address and the public IPs only, never the machine’s other interfaces', () => {
    expect(advertisedAddresses({}, machine)).toEqual(['127.0.0.1']);
    expect(advertisedAddresses({ bindAddress: '192.0.2.2' }, machine)).toEqual(['192.0.2.2']);
    expect(advertisedAddresses({ bindAddress: '10.0.0.5', publicIps: ['203.0.113.7'] }, machine)).toEqual([
      '10.0.0.5',
      '203.0.113.7',
    ]);
  });

  it('bound to 0.0.0.0: loopback and the public IPs, or every IPv4 interface when no public IP is set', () => {
    expect(advertisedAddresses({ bindAddress: '0.0.0.0', publicIps: ['203.0.113.7'] }, machine)).toEqual([
      '127.0.0.1',
      '203.0.113.7',
    ]);
    expect(advertisedAddresses({ bindAddress: '0.0.0.0' }, machine)).toEqual(['127.0.0.1', '192.0.2.2', '172.17.0.1']);
  });

  it('turns off werift’s own interface enumeration and bundles every section', () => {
    const config = serverPeerConfig({ publicIps: ['203.0.113.7'] });
    expect(config.iceUseIpv4).toBe(false);
    expect(config.iceUseIpv6).toBe(false);
    expect(config.iceAdditionalHostAddresses).toEqual(['127.0.0.1', '203.0.113.7']);
    expect(config.bundlePolicy).toBe('max-bundle');
  });
});
