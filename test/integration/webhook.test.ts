/**
 * The webhook endpoint over real HTTP: verification, signatures on raw bytes, malformed bodies,
 * shapes we do not act on, body limits, and a database outage (503, then success on retry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { signatureHeader } from '../../src/whatsapp/signature.js';
import { APP_SECRET, PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';
import { textWebhook } from '../support/webhooks.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.createUser();
});
afterAll(() => h.close());

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const signed = (body: string | Buffer) => ({ 'x-hub-signature-256': signatureHeader(APP_SECRET, body) });

async function inboxStates(): Promise<Record<string, number>> {
  const rows = await queryRows<{ state: string; count: number }>(
    h,
    sql`select state, count(*)::int as count from inbound_events group by state`,
  );
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}

async function eventsWithReason(reasonLike: string) {
  return queryRows<{ reason: string; state: string }>(h, sql`select reason, state from inbound_events where reason like ${reasonLike}`);
}

describe('GET /webhooks/whatsapp (verification)', () => {
  it('echoes the challenge as text/plain when the token matches', async () => {
    const response = await fetch(`${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it('refuses a wrong token or mode with 403', async () => {
    const wrongToken = await fetch(`${h.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=x&hub.verify_token=nope`);
    const wrongMode = await fetch(`${h.url}/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=x&hub.verify_token=verify-me`);
    expect([wrongToken.status, wrongMode.status]).toEqual([403, 403]);
  });
});

describe('POST /webhooks/whatsapp', () => {
  const envelope = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const before = await inboxStates();
    expect((await post(envelope)).status).toBe(401);
    expect((await post(envelope, { 'x-hub-signature-256': signatureHeader('other-secret', envelope) })).status).toBe(401);
    expect((await post(envelope, { 'x-hub-signature-256': 'sha1=abc' })).status).toBe(401);
    expect(await inboxStates()).toEqual(before);
  });

  it('verifies the raw bytes, not re-serialised JSON (escaped slashes and unicode)', async () => {
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"${PHONE_NUMBER_ID}"},"contacts":[{"profile":{"name":"J\\u00e4ne \\/ Doe"},"wa_id":"15551230001"}],"messages":[{"from":"15551230001","id":"wamid.raw-bytes-1","timestamp":"1712345678","type":"text","text":{"body":"caf\\u00e9 \\/ 50\\u0040"}}]}}]}]}`;
    expect((await post(raw, signed(raw))).status).toBe(200);
    const tampered = raw.replace('caf', 'cof');
    expect((await post(tampered, signed(raw))).status).toBe(401);
  });

  it('answers 400 to signed bodies that are not JSON', async () => {
    const response = await post('{"object": "whatsapp_business_account", "entry": [', signed('{"object": "whatsapp_business_account", "entry": ['));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('malformed_body');
  });

  it('stores signed JSON it does not act on as ignored, answering 200', async () => {
    const bodies = [
      JSON.stringify({ hello: 'world' }),
      JSON.stringify([1, 2, 3]),
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }],
      }),
    ];
    for (const body of bodies) expect((await post(body, signed(body))).status).toBe(200);
    const ignored = await queryCount(h, sql`select count(*)::int as n from inbound_events where state = 'ignored'`);
    expect(ignored).toBeGreaterThanOrEqual(3);
  });

  it('keeps events for an unknown phone_number_id as ignored with the reason', async () => {
    const answer = await h.simulator.postWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '999999' },
                contacts: [{ profile: { name: 'X' }, wa_id: '15550009999' }],
                messages: [{ from: '15550009999', id: 'wamid.unknown-tenant', timestamp: '1712345678', type: 'text', text: { body: 'hi' } }],
              },
            },
          ],
        },
      ],
    });
    expect(answer.status).toBe(200);
    const rows = await eventually(async () => {
      const found = await eventsWithReason('%phone_number_id 999999%');
      return found.length > 0 ? found : null;
    });
    expect(rows[0]!.state).toBe('ignored');
  });

  it('accepts a 3 MB signed body and refuses one over the limit with 413', async () => {
    const padding = 'x'.repeat(3 * 1024 * 1024);
    const big = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding });
    expect((await post(big, signed(big))).status).toBe(200);
    const tooBig = JSON.stringify({ padding: 'x'.repeat(5 * 1024 * 1024) });
    expect((await post(tooBig, signed(tooBig))).status).toBe(413);
  });

  it('stores a message dated after the year 9999 at its arrival time, and the webhooks beside it', async () => {
    const farFuture = textWebhook([{ from: '15550009901', wamid: 'wamid.far-future', body: 'hi', time: 253_402_300_800_000 }]);
    const ordinary = textWebhook([{ from: '15550009902', wamid: 'wamid.beside-far-future', body: 'hi' }]);
    const before = Date.now();
    // In the same turn, so both go in one group-commit INSERT.
    const statuses = await Promise.all([farFuture, ordinary].map((body) => JSON.stringify(body)).map((raw) => post(raw, signed(raw)).then((r) => r.status)));
    expect(statuses).toEqual([200, 200]);
    const rows = await queryRows<{ wamid: string; occurred_at: Date }>(
      h,
      sql`select wamid, occurred_at from inbound_events where wamid in ('wamid.far-future', 'wamid.beside-far-future') order by wamid`,
    );
    expect(rows.map((row) => row.wamid)).toEqual(['wamid.beside-far-future', 'wamid.far-future']);
    expect(new Date(rows[1]!.occurred_at).getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('accepts any content type, even an empty or malformed one (Meta sends JSON, but a proxy may not say so)', async () => {
    for (const contentType of ['text/plain', 'application/json; charset=utf-8', '', ';', 'json', '/']) {
      const response = await post(envelope, { ...signed(envelope), 'content-type': contentType });
      expect(response.status, JSON.stringify(contentType)).toBe(200);
    }
  });
});
