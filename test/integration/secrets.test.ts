/**
 * Tenant secrets: written through the API (never read back), used by a flow's HTTP request as
 * `{{secrets.NAME}}`, filled in only on the wire — never in session state, messages or events.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';

const SECRET = 'sk_live_7f3a9c1e-secret-value';
const node = (id: string, type: string, data: object = {}) => ({ id, type, data });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}`, source, target, ...(sourceHandle && { sourceHandle }) });
const lookupFlow = (url: string) => ({
  nodes: [
    node('start', 'start'),
    node('call', 'httpRequest', {
      method: 'POST',
      url: `${url}/lookup?key={{secrets.apiKey}}`,
      headers: { authorization: 'Bearer {{secrets.apiKey}}' },
      body: { token: '{{secrets.apiKey}}', phone: '{{contact.phone}}' },
      saveAs: { plan: 'plan' },
    }),
    node('ok', 'end', { text: 'Plan: {{plan}}' }),
    node('ko', 'end', { text: 'Lookup failed' }),
  ],
  edges: [edge('start', 'call'), edge('call', 'ok', 'success'), edge('call', 'ko', 'error')],
});

let h: Harness;
let apiKey: string;
let server: Server;
let serverUrl: string;
const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ plan: 'gold' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  h = await startHarness({ env: { FLOW_HTTP_ALLOW_PRIVATE: 'true' } });
  ({ apiKey } = await h.createUser());
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('secrets API', () => {
  it('stores a secret sealed, lists names only, deletes it, and refuses bad names', async () => {
    expect((await h.api('PUT', '/api/v1/secrets/tempKey', { value: 'abc' }, apiKey)).status).toBe(204);
    const listed = await h.api<{ secrets: Array<{ name: string }> }>('GET', '/api/v1/secrets', undefined, apiKey);
    expect(listed.body.secrets.map((s) => s.name)).toContain('tempKey');
    expect(JSON.stringify(listed.body)).not.toContain('abc');
    const [row] = await queryRows<{ value: string }>(h, sql`select value from tenant_secrets where name = 'tempKey'`);
    expect(row!.value).toMatch(/^v1\./);
    expect((await h.api('DELETE', '/api/v1/secrets/tempKey', undefined, apiKey)).status).toBe(204);
    expect((await h.api('DELETE', '/api/v1/secrets/tempKey', undefined, apiKey)).status).toBe(404);
    expect((await h.api('PUT', '/api/v1/secrets/bad-name!', { value: 'x' }, apiKey)).status).toBe(400);
    expect((await h.api('GET', '/api/v1/secrets')).status).toBe(401);
  });
});

describe('secrets in HTTP requests', () => {
  it('fills the secret in URL, header and JSON body on the wire, and nowhere else', async () => {
    await h.api('PUT', '/api/v1/secrets/apiKey', { value: SECRET }, apiKey);
    await h.createFlow(apiKey, { trigger: 'plan', definition: lookupFlow(serverUrl) });
    const phone = '15559991001';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'plan' });
    await eventually(() => h.simulator.sent.some((m) => m.to === phone), 10_000);
    expect(h.simulator.sent.find((m) => m.to === phone)!.body).toMatchObject({ text: { body: 'Plan: gold' } });

    const call = received.at(-1)!;
    expect(call.url).toBe(`/lookup?key=${encodeURIComponent(SECRET)}`);
    expect(call.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(call.body)).toEqual({ token: SECRET, phone });

    for (const table of ['Session', 'Message', 'events', 'inbound_events']) {
      const rows = await queryRows<Record<string, unknown>>(h, sql.raw(`select * from "${table}"`));
      expect(JSON.stringify(rows), table).not.toContain(SECRET);
    }
  });

  it('fails the request (error handle) when the secret is not set, sending nothing', async () => {
    await h.api('DELETE', '/api/v1/secrets/apiKey', undefined, apiKey);
    const before = received.length;
    const phone = '15559991002';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'plan' });
    await eventually(() => h.simulator.sent.some((m) => m.to === phone), 10_000);
    expect(h.simulator.sent.find((m) => m.to === phone)!.body).toMatchObject({ text: { body: 'Lookup failed' } });
    expect(received.length).toBe(before);
  });
});
