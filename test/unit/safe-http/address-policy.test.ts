import { describe, expect, it } from 'vitest';
import { type AddressKind, classifyAddress, createAddressPolicy, describeAddressClass } from '../../../src/safe-http/address-policy.js';
import { inCidr, parseCidr, parseIp } from '../../../src/safe-http/ip-address.js';

describe('classifyAddress', () => {
  it.each<[string, AddressKind]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.5', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fec0::1', 'private'],
    ['64:ff9b:1::a00:5', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['254.1.2.3', 'reserved'],
    ['192.0.0.1', 'reserved'],
    ['192.0.0.255', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toEqual({ kind });
  });

  it.each<[string, AddressKind, string, string]>([
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1', 'IPv4-mapped'],
    ['::ffff:10.0.0.5', 'private', '10.0.0.5', 'IPv4-mapped'],
    ['::ffff:169.254.169.254', 'link-local', '169.254.169.254', 'IPv4-mapped'],
    ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0', 'IPv4-mapped'],
    ['::127.0.0.1', 'loopback', '127.0.0.1', 'IPv4-compatible'],
    ['::7f00:1', 'loopback', '127.0.0.1', 'IPv4-compatible'],
    ['::ffff:0:127.0.0.1', 'loopback', '127.0.0.1', 'IPv4-translated'],
    ['64:ff9b::127.0.0.1', 'loopback', '127.0.0.1', 'NAT64'],
    ['64:ff9b::a00:5', 'private', '10.0.0.5', 'NAT64'],
    ['2002:7f00:1::1', 'loopback', '127.0.0.1', '6to4'],
    ['2002:a9fe:a9fe::', 'link-local', '169.254.169.254', '6to4'],
  ])('%s carries %s %s (%s)', (address, kind, ipv4, form) => {
    expect(classifyAddress(address)).toEqual({ kind, carried: { ipv4, form } });
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '9.255.255.255',
    '11.0.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '192.0.1.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001::1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('refuses text that is not an address rather than guessing', () => {
    expect(() => classifyAddress('localhost')).toThrow('not an IP address');
    // Odd spellings are host names to the resolver, never addresses here.
    expect(() => classifyAddress('0177.0.0.1')).toThrow('not an IP address');
    expect(() => classifyAddress('2130706433')).toThrow('not an IP address');
  });

  it('describes a class for error messages', () => {
    expect(describeAddressClass({ kind: 'private' })).toBe('a private address');
    expect(describeAddressClass({ kind: 'loopback', carried: { ipv4: '127.0.0.1', form: 'NAT64' } })).toBe(
      'a loopback address (127.0.0.1 in NAT64 form)',
    );
  });
});

describe('createAddressPolicy', () => {
  it('refuses special addresses and allows public ones by default', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: false, allowedNetworks: [] });
    expect(policy('10.0.0.5')).toBe('a private address');
    expect(policy('::ffff:127.0.0.1')).toBe('a loopback address (127.0.0.1 in IPv4-mapped form)');
    expect(policy('8.8.8.8')).toBeNull();
    expect(policy('not-an-ip')).toBe('not an IP address');
  });

  it('allows everything when private networks are allowed', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: true, allowedNetworks: [] });
    for (const address of ['127.0.0.1', '::1', '10.0.0.5', '169.254.169.254', 'fe80::1']) expect(policy(address)).toBeNull();
    expect(policy('0177.0.0.1')).toBe('not an IP address');
  });

  it('allows only the listed networks as exceptions', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: false, allowedNetworks: ['10.1.2.0/24', 'fd00:1::/32', '127.0.0.1'] });
    expect(policy('10.1.2.200')).toBeNull();
    expect(policy('10.1.3.1')).toBe('a private address');
    expect(policy('fd00:1:ffff::1')).toBeNull();
    expect(policy('fd00:2::1')).toBe('a private address');
    expect(policy('127.0.0.1')).toBeNull();
    expect(policy('127.0.0.2')).toBe('a loopback address');
  });

  it('rejects malformed allowed networks when built', () => {
    for (const bad of ['10.0.0.0/33', '::/129', 'example.com/8', '10.0.0.0/', '10.0.0.0/8/8', '0177.0.0.1/32']) {
      expect(() => createAddressPolicy({ allowPrivateNetworks: false, allowedNetworks: [bad] })).toThrow('is not a CIDR block');
    }
  });
});

describe('ip-address', () => {
  it('parses canonical IPv4 and IPv6, including embedded dotted quads', () => {
    expect(Array.from(parseIp('192.168.1.2') ?? [])).toEqual([192, 168, 1, 2]);
    expect(Array.from(parseIp('::ffff:1.2.3.4') ?? [])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(Array.from(parseIp('1:2::') ?? [])).toEqual([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(parseIp('::') ?? [])).toEqual(new Array(16).fill(0));
    expect(Array.from(parseIp('1:2:3:4:5:6:7:8') ?? [])).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIp('127.1')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
  });

  it('matches prefixes that do not fall on a byte boundary', () => {
    const block = parseCidr('100.64.0.0/10');
    expect(inCidr(parseIp('100.64.0.0') ?? new Uint8Array(), block)).toBe(true);
    expect(inCidr(parseIp('100.127.255.255') ?? new Uint8Array(), block)).toBe(true);
    expect(inCidr(parseIp('100.128.0.0') ?? new Uint8Array(), block)).toBe(false);
    expect(inCidr(parseIp('::ffff:100.64.0.0') ?? new Uint8Array(), block)).toBe(false);
    expect(inCidr(parseIp('1.2.3.4') ?? new Uint8Array(), parseCidr('0.0.0.0/0'))).toBe(true);
  });
});
