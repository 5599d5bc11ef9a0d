/**
 * IP addresses as bytes and CIDR blocks over them: just enough arithmetic for the address policy.
 * Only canonical spellings are accepted (dotted quad without leading zeros, RFC 4291 IPv6): odd
 * IPv4 spellings such as `0177.0.0.1` or `2130706433` are rewritten to dotted quads by the URL
 * parser, and anywhere else they are not addresses, so nothing is left to guess.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** 4 bytes for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

export interface Cidr {
  bytes: IpBytes;
  prefixLength: number;
}

/** The address's bytes, or null when the text is not a canonical IPv4 or IPv6 address. A zone id (`%eth0`) is ignored. */
export function parseIp(text: string): IpBytes | null {
  const address = text.replace(/%.*$/, '');
  if (isIPv4(address)) return parseIPv4(address);
  if (isIPv6(address)) return parseIPv6(address);
  return null;
}

function parseIPv4(address: string): IpBytes {
  return Uint8Array.from(address.split('.').map(Number));
}

function parseIPv6(address: string): IpBytes {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const headGroups = groupsOf(head);
  const tailGroups = tail === undefined ? [] : groupsOf(tail);
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...tailGroups];
  return Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff]));
}

/** 16-bit groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groupsOf(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = parseIPv4(group);
    return [(a << 8) | b, (c << 8) | d];
  });
}

/** `a.b.c.d` for four bytes. */
export function formatIPv4(bytes: IpBytes): string {
  return Array.from(bytes).join('.');
}

/** Parses `address/prefix` (or a bare address, a block of one); throws on anything else. */
export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  const bytes = match?.[1] === undefined ? null : parseIp(match[1]);
  const prefixLength = bytes === null || match?.[2] === undefined ? (bytes?.length ?? 0) * 8 : Number(match[2]);
  if (bytes === null || prefixLength > bytes.length * 8) {
    throw new Error(`"${text}" is not a CIDR block (expected e.g. 10.1.2.0/24 or fd00::/8)`);
  }
  return { bytes, prefixLength };
}

/** Whether the address lies in the block; an IPv4 address is never in an IPv6 block or the reverse. */
export function inCidr(bytes: IpBytes, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  const fullBytes = Math.floor(cidr.prefixLength / 8);
  for (let i = 0; i < fullBytes; i++) if (bytes[i] !== cidr.bytes[i]) return false;
  const remainingBits = cidr.prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((bytes[fullBytes] ?? 0) & mask) === ((cidr.bytes[fullBytes] ?? 0) & mask);
}
