/**
 * Sending through the Graph API (the simulator): retryable errors retry, others fail the message
 * and error the session, and an expired token pauses the tenant's sends until it is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { trigger: 'menu', definition: menuFlow });
});
afterAll(() => h.close());

const outboundOf = (phone: string) =>
  queryRows<{ status: string; error: string | null; waMessageId: string | null }>(
    h,
    sql`select m.status, m.error, m."waMessageId" from "Message" m join "Contact" c on c.id = m."contactId"
        where c.phone = ${phone} and m.direction = 'outbound' order by m."createdAt"`,
  );
const sessionStatusOf = async (phone: string) => {
  const [row] = await queryRows<{ status: string }>(
    h,
    sql`select s.status from "Session" s join "Contact" c on c.id = s."contactId" where c.phone = ${phone}`,
  );
  return row?.status;
};
const sentTo = (phone: string) => h.simulator.sent.filter((message) => message.to === phone);

describe('send errors', () => {
  it("retries retryable errors (130429 after the number's pause, 500 with backoff) until accepted, sending once", async () => {
    h.simulator.setFaults({ failNext: { count: 3, failure: { kind: 'graph', code: 130429 } } });
    const phone = '15556660001';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await eventually(() => sentTo(phone).length === 2);
    const rows = await eventually(async () => {
      const current = await outboundOf(phone);
      return current.every((row) => row.waMessageId) ? current : null;
    });
    expect(rows).toHaveLength(2);
    expect(sentTo(phone)).toHaveLength(2);
    h.simulator.setFaults({});
  });

  it('fails a message at once on a non-retryable error, errors the session and cancels its queue', async () => {
    h.simulator.setFaults({ failNext: { count: 1, failure: { kind: 'graph', code: 131047 } } });
    const phone = '15556660002';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    const rows = await eventually(async () => {
      const current = await outboundOf(phone);
      return current.length === 2 && current.every((row) => row.status === 'Failed') ? current : null;
    });
    expect(rows[0]!.error).toMatch(/24 hours/);
    expect(rows[1]!.error).toMatch(/earlier message failed/);
    expect(await sessionStatusOf(phone)).toBe('Errored');
    expect(sentTo(phone)).toHaveLength(0);
    h.simulator.setFaults({});

    // The trigger again: the Errored session restarts from the start, in place.
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await eventually(() => sentTo(phone).length === 2);
    await eventually(async () => (await sessionStatusOf(phone)) === 'Paused');
    const sessions = await queryRows<{ n: number }>(
      h,
      sql`select count(*)::int as n from "Session" s join "Contact" c on c.id = s."contactId" where c.phone = ${phone}`,
    );
    expect(Number(sessions[0]!.n)).toBe(1);
  });

  it('pauses sends on an expired token (190) and resumes them when the token is replaced', async () => {
    h.simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: 'EAAG-rotated-token' });
    const phone = '15556660003';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await eventually(async () => {
      const me = await h.api<{ tokenExpired: boolean }>('GET', '/api/v1/me', undefined, apiKey);
      return me.body.tokenExpired;
    });
    expect((await outboundOf(phone)).map((row) => row.status)).toEqual(['Pending', 'Pending']);

    const patched = await h.api<{ tokenExpired: boolean }>('PATCH', '/api/v1/me', { metaAccessToken: 'EAAG-rotated-token' }, apiKey);
    expect(patched.status).toBe(200);
    expect(patched.body.tokenExpired).toBe(false);
    await eventually(() => sentTo(phone).length === 2);
    h.simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: ACCESS_TOKEN });
    await h.api('PATCH', '/api/v1/me', { metaAccessToken: ACCESS_TOKEN }, apiKey);
  });

  it('does not pause the new token when a send made with the old one fails after the change', async () => {
    h.simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: 'EAAG-next-token' });
    h.simulator.setFaults({ latencyMs: 1_500 });
    try {
      const phone = '15556660004';
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
      // Claimed by the sender: the send with the old token is on its way, held by the simulator.
      await eventually(async () => (await queryRows(h, sql`select 1 from outbox o join "Contact" c on c.id = o.contact_id where c.phone = ${phone} and o.lease_owner is not null`)).length > 0);
      const patched = await h.api<{ tokenExpired: boolean }>('PATCH', '/api/v1/me', { metaAccessToken: 'EAAG-next-token' }, apiKey);
      expect(patched.status).toBe(200);
      h.simulator.setFaults({});
      // Its 190 arrives after the new token was saved: the message goes again, with the new token.
      await eventually(() => sentTo(phone).length === 2, 10_000);
      const me = await h.api<{ tokenExpired: boolean }>('GET', '/api/v1/me', undefined, apiKey);
      expect(me.body.tokenExpired).toBe(false);
    } finally {
      h.simulator.setFaults({});
      h.simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: ACCESS_TOKEN });
      await h.api('PATCH', '/api/v1/me', { metaAccessToken: ACCESS_TOKEN }, apiKey);
    }
  });

  it('sends once when storing an accepted send fails: the retry stores the wamid it already has', async () => {
    // The database refuses the first write of a wamid (a sequence counts: it is not rolled back).
    const exec = (query: ReturnType<typeof sql>) => queryRows(h, query);
    await exec(sql`create sequence record_failures`);
    await exec(sql.raw(`create function fail_first_record() returns trigger language plpgsql as $$
      begin
        if nextval('record_failures') = 1 then raise exception 'injected: database unavailable'; end if;
        return new;
      end $$`));
    await exec(sql.raw(`create trigger fail_first_record before update on "Message" for each row
      when (new."waMessageId" is distinct from old."waMessageId") execute function fail_first_record()`));
    try {
      const phone = '15556660005';
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
      const rows = await eventually(async () => {
        const current = await outboundOf(phone);
        return current.length === 2 && current.every((row) => row.waMessageId) ? current : null;
      }, 15_000);
      expect(sentTo(phone)).toHaveLength(2);
      expect(new Set(rows.map((row) => row.waMessageId))).toEqual(new Set(sentTo(phone).map((message) => message.wamid)));
      const [failures] = await queryRows<{ n: number | string }>(h, sql`select last_value as n from record_failures`);
      expect(Number(failures!.n)).toBeGreaterThan(1);
    } finally {
      await exec(sql`drop trigger fail_first_record on "Message"`);
      await exec(sql`drop function fail_first_record()`);
      await exec(sql`drop sequence record_failures`);
    }
  });
});
