/**
 * A contact cannot pull a tenant secret into a flow's HTTP request, end to end: the worker runs a
 * real flow against a local server standing in for a public API. An answer, a profile name or an
 * API's answer that spells `{{secrets.NAME}}` reaches the API as that text, in the URL, a header
 * and the body, while the author's own placeholders are filled. A secret named only by such text
 * does not send the flow down its error branch. And when a request that carried a secret fails
 * (a redirect elsewhere with the key in its query, an error answer that echoes the key), the
 * failure as stored in the inbox and the session, and as the API shows it, names the secret
 * without its value.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';
import { Tally, printFigures } from './support/figures.js';
import { startLocalServer, type LocalServer } from './support/local-server.js';

/** The one network flows may reach here, standing in for a public API. */
const ALLOWED_HOST = '127.0.0.3';
const SECRET = `crm-${randomBytes(12).toString('hex')}`;
const TYPED = '{{secrets.CRM_KEY}}';

let h: Harness;
let apiKey: string;
let api: LocalServer;
let contacts = 0;
const outcomes = new Tally();
const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];

/** The API: records each request; `/away` redirects to another origin with the key, `/reject` echoes the credential. */
function apiHandler(request: IncomingMessage, response: ServerResponse) {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received.push({ url: request.url ?? '', headers: request.headers, body });
    const url = new URL(request.url ?? '/', 'http://api');
    if (url.pathname === '/note') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ note: TYPED }));
    if (url.pathname === '/away') return void response.writeHead(302, { location: `http://127.0.0.1:1/elsewhere${url.search}` }).end();
    if (url.pathname === '/reject') return void response.writeHead(401).end(`invalid credential: ${request.headers.authorization ?? ''}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}

beforeAll(async () => {
  api = (await startLocalServer(ALLOWED_HOST, apiHandler))!;
  h = await startHarness({ env: { FLOW_HTTP_ALLOWED_NETWORKS: `${ALLOWED_HOST}/32` } });
  ({ apiKey } = await h.createUser());
  expect((await h.api('PUT', '/api/v1/secrets/CRM_KEY', { value: SECRET }, apiKey)).status).toBe(204);
});
afterAll(async () => {
  await h.close();
  await api.close();
});

const node = (id: string, type: string, data: object = {}) => ({ id, type, data });
const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}`, source, target, ...(sourceHandle && { sourceHandle }) });

/** start → ask `name` → the request → "sent" / "failed" (or no error branch: the session errors). */
function askThenCall(request: object, wireError = true) {
  return {
    nodes: [
      node('start', 'start'),
      node('ask', 'question', { text: 'Your name?', variable: 'name' }),
      node('call', 'httpRequest', { method: 'POST', timeoutMs: 3_000, ...request }),
      node('sent', 'end', { text: 'sent' }),
      node('failed', 'end', { text: 'failed' }),
    ],
    edges: [edge('start', 'ask'), edge('ask', 'call'), edge('call', 'sent', 'success'), ...(wireError ? [edge('call', 'failed', 'error')] : [])],
  };
}

const echoRequest = () => ({
  url: `${api.url}/echo?q={{name}}&key={{secrets.CRM_KEY}}`,
  headers: { 'X-Note': '{{name}}', 'X-Profile': '{{contact.name}}', Authorization: 'Bearer {{secrets.CRM_KEY}}' },
  body: { name: '{{name}}', key: '{{secrets.CRM_KEY}}' },
});

const textsTo = (phone: string) => h.simulator.sent.filter((message) => message.to === phone).map((message) => (message.body.text as { body?: string } | undefined)?.body);

/** A new contact (with this profile name) starts the flow and answers its question. */
async function converse(definition: object, answer: string, profileName = 'Ana'): Promise<string> {
  const trigger = `secrets-${++contacts}`;
  const phone = `1555440${String(contacts).padStart(4, '0')}`;
  await h.createFlow(apiKey, { name: trigger, trigger, definition });
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: trigger }, { name: profileName });
  await eventually(() => textsTo(phone).includes('Your name?'), 20_000);
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: answer }, { name: profileName });
  return phone;
}

/** The stored failure of the contact's request and its session's error, once the session has errored. */
async function storedFailure(phone: string): Promise<{ event: string; session: string; api: string }> {
  const [row] = await eventually(
    () => queryRows<{ error: string | null; session: string | null }>(
      h,
      sql`select s.context->>'error' as session, e.payload->'result'->>'error' as error
          from inbound_events e join "Session" s on s.id = e.payload->>'sessionId'
          where e.kind = 'http' and e.contact_key = ${phone} and s.status = 'Errored'`,
    ).then((rows) => (rows.length > 0 ? rows : null)),
    20_000,
  );
  const listed = await h.api<{ sessions: unknown[] }>('GET', '/api/v1/sessions', undefined, apiKey);
  return { event: row?.error ?? '', session: row?.session ?? '', api: JSON.stringify(listed.body) };
}

describe('text that spells a secret placeholder is sent as text', () => {
  it('in the URL, a header and the body, from an answer and a profile name, beside the author’s filled secrets', async () => {
    const phone = await converse(askThenCall(echoRequest()), TYPED, TYPED);
    await eventually(() => textsTo(phone).includes('sent'), 20_000);
    const call = received.at(-1)!;
    const query = new URL(call.url, 'http://api').searchParams;
    expect(query.get('q')).toBe(TYPED);
    expect(query.get('key')).toBe(SECRET);
    expect(call.headers['x-note']).toBe(TYPED);
    expect(call.headers['x-profile']).toBe(TYPED);
    expect(call.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(call.body)).toEqual({ name: TYPED, key: SECRET });
    outcomes.add('sent as text');
  });

  it('from a value saved out of an earlier API answer', async () => {
    const definition = {
      nodes: [
        node('start', 'start'),
        node('first', 'httpRequest', { method: 'GET', url: `${api.url}/note`, saveAs: { note: 'note' } }),
        node('second', 'httpRequest', { method: 'POST', url: `${api.url}/echo`, headers: { 'X-Note': '{{note}}' }, body: { note: '{{note}}' } }),
        node('sent', 'end', { text: 'sent' }),
        node('failed', 'end', { text: 'failed' }),
      ],
      edges: [edge('start', 'first'), edge('first', 'second', 'success'), edge('first', 'failed', 'error'), edge('second', 'sent', 'success'), edge('second', 'failed', 'error')],
    };
    const trigger = 'saved-answer';
    const phone = '15554409999';
    await h.createFlow(apiKey, { name: trigger, trigger, definition });
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: trigger });
    await eventually(() => textsTo(phone).includes('sent'), 20_000);
    const call = received.at(-1)!;
    expect(call.headers['x-note']).toBe(TYPED);
    expect(JSON.parse(call.body)).toEqual({ note: TYPED });
    outcomes.add('sent as text');
  });

  it('naming a secret that is not set does not send the flow down its error branch', async () => {
    const phone = await converse(askThenCall(echoRequest()), '{{secrets.NOT_SET}}');
    await eventually(() => textsTo(phone).includes('sent') || textsTo(phone).includes('failed'), 20_000);
    expect(textsTo(phone)).toContain('sent');
    expect(JSON.parse(received.at(-1)!.body)).toEqual({ name: '{{secrets.NOT_SET}}', key: SECRET });
    outcomes.add('missing secret ignored');
  });
});

describe('the failure of a request that carried a secret never holds its value', () => {
  it('a redirect to another origin, carrying the key in its query, is named by origin and path', async () => {
    const phone = await converse(askThenCall({ method: 'GET', url: `${api.url}/away?key={{secrets.CRM_KEY}}` }, false), 'Ana');
    const stored = await storedFailure(phone);
    expect(stored.event).toMatch(/^redirect to another origin refused: http:\/\/127\.0\.0\.1:1\/elsewhere \(/);
    expect(stored.session).toContain('redirect to another origin refused');
    for (const text of Object.values(stored)) expect(text).not.toContain(SECRET);
    outcomes.add('redacted');
  });

  it('an error answer that echoes the credential has it replaced by the secret’s name', async () => {
    const phone = await converse(askThenCall({ url: `${api.url}/reject`, headers: { Authorization: 'Bearer {{secrets.CRM_KEY}}' } }, false), 'Ana');
    const stored = await storedFailure(phone);
    expect(stored.event).toBe('Unauthorized: invalid credential: Bearer [secret CRM_KEY]');
    expect(stored.session).toContain('Bearer [secret CRM_KEY]');
    for (const text of Object.values(stored)) expect(text).not.toContain(SECRET);
    outcomes.add('redacted');
  });

  it('prints the figures', () => {
    printFigures('secret-placeholders', { cases: outcomes.total, outcomes: outcomes.counts, requestsReceived: received.length });
  });
});
