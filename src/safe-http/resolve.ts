/** Host name resolution, injectable so the address checks can be exercised without a DNS server. */
import { lookup } from 'node:dns/promises';

/** Every address a host name resolves to. */
export type Resolve = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), as sockets would use it. */
export const resolveWithDns: Resolve = async (hostname) => {
  const found = await lookup(hostname, { all: true });
  return found.map(({ address }) => address);
};
