/**
 * Chooses the addresses a request may connect to. The host is resolved here, every address it
 * resolves to is checked, and the connection is then pinned to these addresses, so DNS cannot
 * answer differently between the check and the connection (DNS rebinding).
 */
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { RequestFailure } from './failure.js';
import type { Resolve } from './resolve.js';
import { hostOf } from './url-rules.js';

export type NonEmpty<T> = [T, ...T[]];

/** The checked addresses of the URL's host, in the resolver's order; a failure if any is refused. */
export async function checkedAddresses(url: URL, resolve: Resolve, policy: AddressPolicy): Promise<NonEmpty<string>> {
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const refusal = policy(host);
    if (refusal !== null) throw new RequestFailure(`destination ${host} is ${refusal}`);
    return [host];
  }

  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    throw new RequestFailure(`host ${host} could not be resolved${code ? ` (${code})` : ''}`);
  }
  const [first, ...others] = addresses;
  if (first === undefined) throw new RequestFailure(`host ${host} has no addresses`);
  // Any refused address refuses the host: the connection may try each of them.
  for (const address of addresses) {
    const refusal = policy(address);
    if (refusal !== null) throw new RequestFailure(`destination ${host} resolves to ${address}, ${refusal}`);
  }
  return [first, ...others];
}
