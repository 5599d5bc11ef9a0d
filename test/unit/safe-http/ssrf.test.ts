/**
 * Every refused destination is refused before any socket is opened: the local server (which the
 * loopback spellings would otherwise reach) sees no connection and this process creates no
 * client socket.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpRequestSpec } from '../../../src/engine/types.js';
import { type Resolve, createSafeHttp } from '../../../src/safe-http/index.js';
import { type LocalServer, countOutgoingRequests, startLocalServer } from './local-server.js';

let server: LocalServer;
let outgoing: ReturnType<typeof countOutgoingRequests>;

beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  outgoing = countOutgoingRequests();
});
afterEach(() => outgoing.stop());

function get(url: string): HttpRequestSpec {
  return { method: 'GET', url, headers: {}, body: null, timeoutMs: 2000 };
}

function expectNoConnection(): void {
  expect(outgoing.count).toBe(0);
  expect(server.connections).toBe(0);
  expect(server.requests).toHaveLength(0);
}

const fakeDns: Record<string, string[]> = {
  'internal.test': ['10.0.0.5'],
  'metadata.test': ['169.254.169.254'],
  'loopback6.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'mixed.test': ['93.184.216.34', '127.0.0.1'],
  'odd-answer.test': ['0177.0.0.1'],
  'empty.test': [],
};
const resolveFake: Resolve = async (hostname) => {
  const found = fakeDns[hostname];
  if (found) return found;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('with private networks refused', () => {
  const http = () => createSafeHttp({ allowPrivateNetworks: false, resolve: resolveFake });

  it.each<[string, (port: number) => string, string]>([
    ['loopback', (port) => `http://127.0.0.1:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['loopback /8', (port) => `http://127.9.8.7:${port}/`, 'destination 127.9.8.7 is a loopback address'],
    ['IPv6 loopback', (port) => `http://[::1]:${port}/`, 'destination ::1 is a loopback address'],
    ['decimal spelling', (port) => `http://2130706433:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['octal spelling', (port) => `http://0177.0.0.1:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['hex spelling', (port) => `http://0x7f.1:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['single hex number', (port) => `http://0x7f000001:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['short spelling', (port) => `http://127.1:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['trailing dot', (port) => `http://127.0.0.1.:${port}/`, 'destination 127.0.0.1 is a loopback address'],
    ['unspecified', (port) => `http://0.0.0.0:${port}/`, 'destination 0.0.0.0 is an unspecified address'],
    ['unspecified, short', (port) => `http://0:${port}/`, 'destination 0.0.0.0 is an unspecified address'],
    ['IPv6 unspecified', (port) => `http://[::]:${port}/`, 'destination :: is an unspecified address'],
    ['private 10/8', () => 'http://10.0.0.5/', 'destination 10.0.0.5 is a private address'],
    ['private 172.16/12', () => 'http://172.16.0.1/', 'destination 172.16.0.1 is a private address'],
    ['private 172.16/12, top', () => 'http://172.31.255.255/', 'destination 172.31.255.255 is a private address'],
    ['private 192.168/16', () => 'http://192.168.1.1/', 'destination 192.168.1.1 is a private address'],
    ['unique local fc00::/7', () => 'http://[fd12:3456::1]/', 'destination fd12:3456::1 is a private address'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/', 'destination 169.254.169.254 is a link-local address'],
    ['IPv6 link-local', () => 'http://[fe80::1]/', 'destination fe80::1 is a link-local address'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/', 'destination 100.64.0.1 is a shared (carrier-grade NAT) address'],
    ['multicast', () => 'http://224.0.0.1/', 'destination 224.0.0.1 is a multicast address'],
    ['IPv6 multicast', () => 'http://[ff02::1]/', 'destination ff02::1 is a multicast address'],
    ['broadcast', () => 'http://255.255.255.255/', 'destination 255.255.255.255 is a broadcast address'],
    ['reserved 240/4', () => 'http://240.0.0.1/', 'destination 240.0.0.1 is a reserved address'],
    ['192.0.0.0/24', () => 'http://192.0.0.8/', 'destination 192.0.0.8 is a reserved address'],
    ['benchmarking 198.18/15', () => 'http://198.18.0.1/', 'destination 198.18.0.1 is a benchmarking address'],
    ['documentation', () => 'http://192.0.2.1/', 'destination 192.0.2.1 is a documentation address'],
    [
      'IPv4-mapped loopback',
      (port) => `http://[::ffff:127.0.0.1]:${port}/`,
      'destination ::ffff:7f00:1 is a loopback address (127.0.0.1 in IPv4-mapped form)',
    ],
    [
      'IPv4-mapped metadata',
      () => 'http://[::ffff:169.254.169.254]/',
      'destination ::ffff:a9fe:a9fe is a link-local address (169.254.169.254 in IPv4-mapped form)',
    ],
    ['IPv4-compatible loopback', () => 'http://[::127.0.0.1]/', 'destination ::7f00:1 is a loopback address (127.0.0.1 in IPv4-compatible form)'],
    ['NAT64 loopback', () => 'http://[64:ff9b::127.0.0.1]/', 'destination 64:ff9b::7f00:1 is a loopback address (127.0.0.1 in NAT64 form)'],
    ['NAT64 private', () => 'http://[64:ff9b::10.0.0.5]/', 'destination 64:ff9b::a00:5 is a private address (10.0.0.5 in NAT64 form)'],
    ['6to4 loopback', () => 'http://[2002:7f00:1::1]/', 'destination 2002:7f00:1::1 is a loopback address (127.0.0.1 in 6to4 form)'],
    ['https loopback', (port) => `https://127.0.0.1:${port}/`, 'destination 127.0.0.1 is a loopback address'],
  ])('refuses %s', async (_name, url, error) => {
    const result = await http().perform(get(url(server.port)));
    expect(result).toEqual({ ok: false, status: null, error });
    expectNoConnection();
  });

  it('refuses localhost, resolved by the system resolver', async () => {
    const result = await createSafeHttp({ allowPrivateNetworks: false }).perform(get(`http://localhost:${server.port}/`));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(!result.ok && result.error).toMatch(/^destination localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expectNoConnection();
  });

  it.each([
    ['internal.test', 'destination internal.test resolves to 10.0.0.5, a private address'],
    ['metadata.test', 'destination metadata.test resolves to 169.254.169.254, a link-local address'],
    ['loopback6.test', 'destination loopback6.test resolves to ::1, a loopback address'],
    ['mapped.test', 'destination mapped.test resolves to ::ffff:127.0.0.1, a loopback address (127.0.0.1 in IPv4-mapped form)'],
    // One bad address among good ones is enough: the connection could otherwise land on it.
    ['mixed.test', 'destination mixed.test resolves to 127.0.0.1, a loopback address'],
    ['odd-answer.test', 'destination odd-answer.test resolves to 0177.0.0.1, not an IP address'],
    ['empty.test', 'host empty.test has no addresses'],
    ['unknown.test', 'host unknown.test could not be resolved (ENOTFOUND)'],
  ])('refuses %s by what it resolves to', async (host, error) => {
    const result = await http().perform(get(`http://${host}:${server.port}/`));
    expect(result).toEqual({ ok: false, status: null, error });
    expectNoConnection();
  });
});

describe('URL rules, whatever the address policy', () => {
  const http = () => createSafeHttp({ allowPrivateNetworks: true });

  it.each<[string, (port: number) => string, string]>([
    ['credentials', (port) => `http://user:pass@127.0.0.1:${port}/`, 'credentials in URLs are not allowed'],
    ['a user name alone', (port) => `http://user@127.0.0.1:${port}/`, 'credentials in URLs are not allowed'],
    ['ftp', (port) => `ftp://127.0.0.1:${port}/`, 'only http and https URLs are allowed'],
    ['file', () => 'file:///etc/passwd', 'only http and https URLs are allowed'],
    ['gopher', (port) => `gopher://127.0.0.1:${port}/_GET`, 'only http and https URLs are allowed'],
    ['data', () => 'data:text/plain,hello', 'only http and https URLs are allowed'],
    ['garbage', () => 'not a url', 'invalid URL: not a url'],
  ])('refuses %s', async (_name, url, error) => {
    const result = await http().perform(get(url(server.port)));
    expect(result).toEqual({ ok: false, status: null, error });
    expectNoConnection();
  });
});

describe('redirects re-checked on every hop', () => {
  it('refuses a same-origin hop when the host now resolves to a refused address', async () => {
    // Only the local server is allowed; the second lookup of the same name answers a private address.
    const answers = [['127.0.0.1'], ['10.0.0.5']];
    const lookups: string[] = [];
    const http = createSafeHttp({
      allowPrivateNetworks: false,
      allowedNetworks: ['127.0.0.1/32'],
      resolve: async (hostname) => {
        lookups.push(hostname);
        return answers.shift() ?? [];
      },
    });
    server.setHandler((_request, response) => response.writeHead(302, { location: '/next' }).end());

    const result = await http.perform(get(`http://rebind.test:${server.port}/start`));

    expect(result).toEqual({ ok: false, status: null, error: 'destination rebind.test resolves to 10.0.0.5, a private address' });
    expect(lookups).toEqual(['rebind.test', 'rebind.test']);
    expect(server.requests.map((request) => request.path)).toEqual(['/start']);
    expect(outgoing.count).toBe(1);
  });

  it.each<[string, (port: number) => string]>([
    ['a private address', () => 'http://10.0.0.5/'],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/'],
    ['localhost', (port) => `http://localhost:${port}/`],
    ['an IPv4-mapped spelling of the same address', (port) => `http://[::ffff:127.0.0.1]:${port}/`],
  ])('refuses a redirect to %s as another origin', async (_name, location) => {
    const http = createSafeHttp({ allowPrivateNetworks: true });
    server.setHandler((_request, response) => response.writeHead(302, { location: location(server.port) }).end());

    const result = await http.perform(get(`${server.origin}/start`));

    expect(result).toMatchObject({ ok: false, status: 302 });
    expect(!result.ok && result.error).toContain('redirect to another origin refused: ');
    expect(server.requests).toHaveLength(1);
    expect(outgoing.count).toBe(1);
  });
});
