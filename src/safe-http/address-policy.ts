/**
 * Which IP addresses a flow's HTTP request may connect to. Flow authors are tenants, so by default
 * only globally routable unicast addresses are allowed: nothing on this host, the private network
 * it sits in, or the cloud metadata service (169.254.169.254). IPv6 forms that carry an IPv4
 * address (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
 */
import { type Cidr, type IpBytes, formatIPv4, inCidr, parseCidr, parseIp } from './ip-address.js';

export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

export interface AddressClass {
  kind: AddressKind;
  /** Set when an IPv6 address was judged by the IPv4 address it carries. */
  carried?: { ipv4: string; form: string };
}

const DESCRIPTIONS: Record<AddressKind, string> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  shared: 'a shared (carrier-grade NAT) address',
  'link-local': 'a link-local address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  documentation: 'a documentation address',
  benchmarking: 'a benchmarking address',
  reserved: 'a reserved address',
};

interface Range {
  cidr: Cidr;
  kind: AddressKind;
}

function ranges(entries: Array<[string, AddressKind]>): Range[] {
  return entries.map(([cidr, kind]) => ({ cidr: parseCidr(cidr), kind }));
}

/** IANA IPv4 special-purpose ranges that must not be reached; the first match names the kind. */
const IPV4_RANGES = ranges([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** Exact IPv6 addresses checked before the IPv4-carrying forms, which would otherwise swallow them. */
const IPV6_SPECIAL_ADDRESSES = ranges([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
]);

/** IPv6 forms that carry an IPv4 address at a byte offset. */
const IPV4_CARRIERS = [
  { cidr: parseCidr('::ffff:0:0/96'), offset: 12, form: 'IPv4-mapped' },
  { cidr: parseCidr('::ffff:0:0:0/96'), offset: 12, form: 'IPv4-translated' },
  { cidr: parseCidr('::/96'), offset: 12, form: 'IPv4-compatible' },
  { cidr: parseCidr('64:ff9b::/96'), offset: 12, form: 'NAT64' },
  { cidr: parseCidr('2002::/16'), offset: 2, form: '6to4' },
];

/** IPv6 ranges named for clearer messages; anything outside global unicast is refused anyway. */
const IPV6_RANGES = ranges([
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
]);

const IPV6_GLOBAL_UNICAST = parseCidr('2000::/3');

/**
 * The special class an address belongs to, or null for a public (globally routable unicast)
 * address. Throws if the text is not an IP address.
 */
export function classifyAddress(address: string): AddressClass | null {
  const bytes = parseIp(address);
  if (bytes === null) throw new Error(`"${address}" is not an IP address`);
  return bytes.length === 4 ? classifyIPv4(bytes) : classifyIPv6(bytes);
}

function classifyIPv4(bytes: IpBytes): AddressClass | null {
  const range = IPV4_RANGES.find(({ cidr }) => inCidr(bytes, cidr));
  return range ? { kind: range.kind } : null;
}

function classifyIPv6(bytes: IpBytes): AddressClass | null {
  const special = IPV6_SPECIAL_ADDRESSES.find(({ cidr }) => inCidr(bytes, cidr));
  if (special) return { kind: special.kind };
  const carrier = IPV4_CARRIERS.find(({ cidr }) => inCidr(bytes, cidr));
  if (carrier) {
    const ipv4 = bytes.subarray(carrier.offset, carrier.offset + 4);
    const inner = classifyIPv4(ipv4);
    return inner && { kind: inner.kind, carried: { ipv4: formatIPv4(ipv4), form: carrier.form } };
  }
  const range = IPV6_RANGES.find(({ cidr }) => inCidr(bytes, cidr));
  if (range) return { kind: range.kind };
  return inCidr(bytes, IPV6_GLOBAL_UNICAST) ? null : { kind: 'reserved' };
}

/** "a loopback address", "a private address (10.0.0.5 in NAT64 form)", … */
export function describeAddressClass({ kind, carried }: AddressClass): string {
  return carried ? `${DESCRIPTIONS[kind]} (${carried.ipv4} in ${carried.form} form)` : DESCRIPTIONS[kind];
}

export interface AddressPolicyOptions {
  /** Turns the address check off: every address may be reached. */
  allowPrivateNetworks: boolean;
  /** CIDR blocks reachable even when private networks are refused (e.g. one internal API). */
  allowedNetworks: readonly string[];
}

/** Why an address is refused (e.g. "a private address"), or null when it may be reached. */
export type AddressPolicy = (address: string) => string | null;

/** Builds the policy; throws if an allowed network is not a CIDR block. */
export function createAddressPolicy({ allowPrivateNetworks, allowedNetworks }: AddressPolicyOptions): AddressPolicy {
  const exceptions = allowedNetworks.map(parseCidr);
  return (address) => {
    const bytes = parseIp(address);
    if (bytes === null) return 'not an IP address';
    if (allowPrivateNetworks || exceptions.some((cidr) => inCidr(bytes, cidr))) return null;
    const found = classifyAddress(address);
    return found && describeAddressClass(found);
  };
}
