/**
 * Server-side request forgery end to end: a real flow's httpRequest node, run by the worker,
 * aimed at loopback (every spelling), private ranges, the cloud metadata address, IPv6 loopback
 * and local ranges, a DNS name resolving to loopback, and redirects from an allowed host to all of
 * these. Each is refused before any connection (the local servers count none) and the flow takes
 * its error branch with the reason. An allowed host still works, and hostile answers from it (NUL
 * characters, absurd nesting) end the request at once instead of wedging the session.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';
import { Tally, printFigures } from './support/figures.js';
import { startLocalServer, type LocalServer } from './support/local-server.js';

/** The one network flows may reach here, standing in for a public API. */
const ALLOWED_HOST = '127.0.0.3';

let h: Harness;
let apiKey: string;
let loopback: LocalServer;
let loopback6: LocalServer | null;
let allowed: LocalServer;
let flows = 0;
const outcomes = new Tally();

/** The allowed host: a JSON answer, redirects anywhere, and hostile bodies. */
const allowedHost = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => {
  const url = new URL(request.url ?? '/', 'http://allowed');
  const json = (body: string) => response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  if (url.pathname === '/redirect') return void response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
  if (url.pathname === '/nul') return json('{"text":"a\\u0000b","key\\u0000":1}');
  if (url.pathname === '/lone-surrogate') return json('{"text":"a\\ud800b"}');
  if (url.pathname === '/deep') return json(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  json('{"reached":true}');
};

beforeAll(async () => {
  loopback = (await startLocalServer('127.0.0.1'))!;
  loopback6 = await startLocalServer('::1');
  allowed = (await startLocalServer(ALLOWED_HOST, allowedHost))!;
  h = await startHarness({ env: { FLOW_HTTP_ALLOWED_NETWORKS: `${ALLOWED_HOST}/32` } });
  ({ apiKey } = await h.createUser());
});
afterAll(async () => {
  await h.close();
  await Promise.all([loopback.close(), loopback6?.close(), allowed.close()]);
});

/** start → GET url → "reached …" on success, "blocked" on error. */
function probeFlow(url: string) {
  return {
    nodes: [
      { id: 'start', type: 'start', data: {} },
      { id: 'call', type: 'httpRequest', data: { method: 'GET', url, timeoutMs: 3_000, saveAs: { answer: '' } } },
      { id: 'reached', type: 'end', data: { text: 'reached {{answer}}' } },
      { id: 'blocked', type: 'end', data: { text: 'blocked' } },
    ],
    edges: [
      { id: 'a', source: 'start', target: 'call' },
      { id: 'b', source: 'call', target: 'reached', sourceHandle: 'success' },
      { id: 'c', source: 'call', target: 'blocked', sourceHandle: 'error' },
    ],
  };
}

/**
 * Runs the flow for a new contact; returns the bot's answer and the request's result as stored.
 * `unlinted`: the URL is written into the stored flow directly, as the flow-builder app may,
 * past the API's linter.
 */
async function probe(url: string, { unlinted = false } = {}): Promise<{ reply: string; error: string | null }> {
  const trigger = `probe-${++flows}`;
  const phone = `1555330${String(flows).padStart(4, '0')}`;
  const { id } = await h.createFlow(apiKey, { name: trigger, trigger, definition: probeFlow(unlinted ? 'https://example.com/' : url) });
  if (unlinted) await queryRows(h, sql`update "Flow" set definition = ${JSON.stringify(probeFlow(url))}::jsonb where id = ${id}`);
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: trigger });
  const sent = await eventually(() => h.simulator.sent.find((message) => message.to === phone), 20_000);
  const [event] = await queryRows<{ error: string | null }>(
    h,
    sql`select payload->'result'->>'error' as error from inbound_events where kind = 'http' and contact_key = ${phone}`,
  );
  return { reply: (sent.body.text as { body: string }).body, error: event?.error ?? null };
}

const port = () => loopback.port;
const redirect = (to: string) => `${allowed.url}/redirect?to=${encodeURIComponent(to)}`;

const REFUSED: Array<[string, () => string, RegExp]> = [
  ['loopback', () => `http://127.0.0.1:${port()}/`, /loopback/],
  ['loopback elsewhere in 127.0.0.0/8', () => `http://127.0.0.2:${port()}/`, /loopback/],
  ['the unspecified address', () => `http://0.0.0.0:${port()}/`, /unspecified/],
  ['decimal spelling of loopback', () => `http://2130706433:${port()}/`, /127\.0\.0\.1 is a loopback/],
  ['octal spelling of loopback', () => `http://0177.0.0.1:${port()}/`, /127\.0\.0\.1 is a loopback/],
  ['hex spelling of loopback', () => `http://0x7f.0.0.1:${port()}/`, /127\.0\.0\.1 is a loopback/],
  ['short spelling of loopback', () => `http://127.1:${port()}/`, /127\.0\.0\.1 is a loopback/],
  ['IPv6 loopback', () => `http://[::1]:${loopback6?.port ?? port()}/`, /loopback/],
  ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port()}/`, /loopback/],
  ['private 10.0.0.0/8', () => 'http://10.0.0.1/', /private/],
  ['private 172.16.0.0/12', () => 'http://172.16.0.1/', /private/],
  ['private 192.168.0.0/16', () => 'http://192.168.1.1/', /private/],
  ['carrier-grade NAT 100.64.0.0/10', () => 'http://100.64.0.1/', /shared/],
  ['cloud metadata 169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/', /link-local/],
  ['IPv6 unique local', () => 'http://[fd00::1]/', /private/],
  ['IPv6 link-local', () => 'http://[fe80::1]/', /link-local/],
  ['a DNS name resolving to loopback', () => `http://localhost:${port()}/`, /resolves to .*loopback/],
  ['a redirect to loopback', () => redirect(`http://127.0.0.1:${port()}/`), /redirect/],
  ['a redirect to the metadata service', () => redirect('http://169.254.169.254/latest/meta-data/'), /redirect/],
  ['a redirect to a DNS name resolving to loopback', () => redirect(`http://localhost:${port()}/`), /redirect/],
  ['a redirect to a private address', () => redirect('http://10.0.0.1/'), /redirect/],
  ['credentials in the URL', () => `http://user:pass@${ALLOWED_HOST}:${allowed.port}/`, /credentials/],
];

describe('flow HTTP requests to private destinations are refused end to end', () => {
  it.each(REFUSED)('%s', async (_name, url, reason) => {
    const { reply, error } = await probe(url());
    expect(reply).toBe('blocked');
    expect(error).toMatch(reason);
    outcomes.add('refused');
  });

  it("a host name of this machine that resolves to a private address, when it does", async () => {
    const addresses = await lookup(hostname(), { all: true }).catch(() => []);
    if (!addresses.some(({ address }) => /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd])/.test(address))) return;
    const { reply, error } = await probe(`http://${hostname()}:${port()}/`);
    expect(reply).toBe('blocked');
    expect(error).toMatch(/resolves to/);
    outcomes.add('refused');
  });

  it('a non-http scheme never becomes a request, even in a flow written past the linter', async () => {
    expect((await probe('file:///etc/passwd', { unlinted: true })).reply).toBe('blocked');
    outcomes.add('refused');
  });

  it('opened no connection to the local servers', () => {
    expect(loopback.connections).toBe(0);
    expect(loopback6?.connections ?? 0).toBe(0);
  });
});

describe('an allowed host', () => {
  it('is reached', async () => {
    expect((await probe(`${allowed.url}/ok`)).reply).toBe('reached {"reached":true}');
    outcomes.add('allowed');
  });

  it.each<[string, string, string]>([
    ['NUL characters in its answer are replaced, and the flow goes on', '/nul', 'reached {"text":"a\uFFFDb","key\uFFFD":1}'],
    ['a lone surrogate in its answer is replaced, and the flow goes on', '/lone-surrogate', 'reached {"text":"a\uFFFDb"}'],
    ['an answer nested 100 000 levels deep fails the request at once', '/deep', 'blocked'],
  ])('%s', async (_name, path, reply) => {
    expect((await probe(`${allowed.url}${path}`)).reply).toBe(reply);
    outcomes.add('hostile answer handled');
  });

  it('prints the figures', () => {
    printFigures('ssrf', { cases: outcomes.total, outcomes: outcomes.counts, connectionsToLocalServers: loopback.connections + (loopback6?.connections ?? 0) });
  });
});
