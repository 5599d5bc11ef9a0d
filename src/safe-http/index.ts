/**
 * Outbound HTTP for flows' httpRequest nodes, guarded against server-side request forgery: only
 * http(s) URLs without credentials; every address a host resolves to must be public unless
 * private networks are allowed (or the address is in an allowed network) and the connection is
 * pinned to a checked address; redirects only within the same origin, each hop checked again;
 * a limit on requests in flight, per process and per caller; one deadline for the whole exchange,
 * the wait for a slot included; bodies capped while streaming.
 *
 * Ports are not restricted: once private addresses are refused, a public host's other ports are
 * what anyone on the internet can reach, and APIs often listen on 8080, 8443 and the like.
 */
import type { HttpResult } from '../engine/types.js';
import { createAddressPolicy } from './address-policy.js';
import { type SafeHttpRequest, perform } from './perform.js';
import { type Resolve, resolveWithDns } from './resolve.js';
import { createSlots } from './slots.js';

export { type AddressClass, type AddressKind, classifyAddress, describeAddressClass } from './address-policy.js';
export { type Resolve, resolveWithDns } from './resolve.js';
export type { Redact } from './failure.js';
export type { SafeHttpRequest } from './perform.js';

export interface SafeHttpOptions {
  /**
   * Allow private, loopback, link-local… destinations: turns the address check off entirely,
   * cloud metadata (169.254.169.254) included. For single-tenant installs calling internal
   * services; prefer `allowedNetworks` to open only what is needed.
   */
  allowPrivateNetworks: boolean;
  /** CIDR blocks reachable even when private networks are refused, e.g. `['10.1.2.0/24']`. */
  allowedNetworks?: readonly string[];
  /**
   * Requests in flight at most; more wait their turn, within their own deadline. One caller
   * (`SafeHttpRequest.caller`) holds at most half of them. Default 32.
   */
  concurrency?: number;
  /** Larger 2xx bodies give an error result; nothing beyond this is buffered. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Same-origin redirects followed at most. Default 3. */
  maxRedirects?: number;
  /** Sent with every request, replacing any the flow sets. Default `waflow`. */
  userAgent?: string;
  /** Host name resolution. Default: the system resolver. */
  resolve?: Resolve;
}

export const SAFE_HTTP_DEFAULTS = {
  concurrency: 32,
  maxResponseBytes: 1024 * 1024,
  maxRedirects: 3,
  userAgent: 'waflow',
} as const;

export interface SafeHttp {
  /** Never rejects: every failure is an `{ ok: false }` result with a reason. */
  perform(request: SafeHttpRequest): Promise<HttpResult>;
}

/** Throws if an allowed network is not a CIDR block. */
export function createSafeHttp(options: SafeHttpOptions): SafeHttp {
  const settings = {
    policy: createAddressPolicy({
      allowPrivateNetworks: options.allowPrivateNetworks,
      allowedNetworks: options.allowedNetworks ?? [],
    }),
    resolve: options.resolve ?? resolveWithDns,
    slots: createSlots(options.concurrency ?? SAFE_HTTP_DEFAULTS.concurrency),
    maxResponseBytes: options.maxResponseBytes ?? SAFE_HTTP_DEFAULTS.maxResponseBytes,
    maxRedirects: options.maxRedirects ?? SAFE_HTTP_DEFAULTS.maxRedirects,
    userAgent: options.userAgent ?? SAFE_HTTP_DEFAULTS.userAgent,
  };
  return { perform: (request) => perform(request, settings) };
}
