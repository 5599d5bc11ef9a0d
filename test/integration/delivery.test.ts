/**
 * Delivery guarantees: dedupe on the wamid (sequential and concurrent), per-contact order,
 * whole batches, forward-only statuses, and statuses that arrive before their message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { echoFlow, questionFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';
import { statusWebhook, textWebhook, wamid } from '../support/webhooks.js';

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { name: 'Ask', trigger: 'ask', definition: questionFlow });
  await h.createFlow(apiKey, { name: 'Echo', trigger: 'echo', definition: echoFlow('echo: {{input}}') });
});
afterAll(() => h.close());

const sentTo = (phone: string) => h.simulator.sent.filter((message) => message.to === phone);

const count = (query: SQL) => queryCount(h, query);

const inboundWith = (id: string) => count(sql`select count(*)::int as n from "Message" where "waMessageId" = ${id}`);

async function settled() {
  await eventually(async () => (await count(sql`select count(*)::int as n from inbound_events where state = 'pending'`)) === 0);
  await eventually(async () => (await count(sql`select count(*)::int as n from outbox`)) === 0);
}

describe('dedupe', () => {
  it('runs a redelivered wamid once (sequential)', async () => {
    const phone = '15551110001';
    const id = wamid('seq');
    const body = textWebhook([{ from: phone, wamid: id, body: 'echo one' }]);
    expect((await h.simulator.postWebhook(body)).status).toBe(200);
    await eventually(() => sentTo(phone).length === 1);
    expect((await h.simulator.postWebhook(body)).status).toBe(200);
    await settled();
    expect(sentTo(phone)).toHaveLength(1);
    expect(await inboundWith(id)).toBe(1);
  });

  it('runs a wamid delivered 10 times concurrently once', async () => {
    const phone = '15551110002';
    const id = wamid('concurrent');
    const body = textWebhook([{ from: phone, wamid: id, body: 'echo two' }]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.simulator.postWebhook(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    await settled();
    expect(sentTo(phone)).toHaveLength(1);
    expect(await inboundWith(id)).toBe(1);
  });
});

describe('order', () => {
  it('runs two messages 5 ms apart from one contact in sequence', async () => {
    const phone = '15551110003';
    const first = h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('o1'), body: 'ask' }]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('o2'), body: 'Bob' }]));
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    await settled();
    expect(sentTo(phone).map((m) => (m.body.text as { body: string }).body)).toEqual(['Your name?', 'Thanks Bob']);
  });

  it('keeps per-contact order within one batch holding many contacts', async () => {
    const phones = Array.from({ length: 20 }, (_, i) => `1555222${String(i).padStart(4, '0')}`);
    const items = phones.flatMap((from) => [
      { from, wamid: wamid('b1'), body: 'ask' },
      { from, wamid: wamid('b2'), body: `name-${from}` },
    ]);
    expect((await h.simulator.postWebhook(textWebhook(items))).status).toBe(200);
    await settled();
    for (const phone of phones) {
      expect(sentTo(phone).map((m) => (m.body.text as { body: string }).body)).toEqual(['Your name?', `Thanks name-${phone}`]);
    }
  });
});

describe('batches', () => {
  it('handles every entry and every change of a POST, not only the first', async () => {
    const users = Array.from({ length: 6 }, (_, i) => ({ phone: `1555333000${i}`, name: `U${i}` }));
    const sends = users.map((user) => ({ phoneNumberId: PHONE_NUMBER_ID, from: user.phone, name: user.name, message: { type: 'text' as const, body: 'echo batch' } }));
    expect((await h.simulator.usersSend(sends.slice(0, 3), 'entry-per-message')).status).toBe(200);
    expect((await h.simulator.usersSend(sends.slice(3), 'change-per-message')).status).toBe(200);
    await settled();
    for (const user of users) expect(sentTo(user.phone)).toHaveLength(1);
  });
});

describe('statuses', () => {
  const statusOf = async (id: string) => {
    const [row] = await queryRows<{ status: string; error: string | null }>(
      h,
      sql`select status, error from "Message" where "waMessageId" = ${id}`,
    );
    return row;
  };
  const statusUpdatedAt = async (id: string) => {
    const [row] = await queryRows<{ at: Date | string | null }>(h, sql`select "statusUpdatedAt" as at from "Message" where "waMessageId" = ${id}`);
    return row?.at ? new Date(row.at).getTime() : null;
  };

  it('moves forward only: read then a late delivered or sent changes nothing', async () => {
    const phone = '15551110010';
    await h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('s'), body: 'echo status' }]));
    const reply = await eventually(() => sentTo(phone)[0]);
    await eventually(async () => (await statusOf(reply.wamid))?.status === 'Read');
    await h.simulator.postWebhook(statusWebhook([{ wamid: reply.wamid, status: 'delivered', recipient: phone }]));
    await h.simulator.postWebhook(statusWebhook([{ wamid: reply.wamid, status: 'sent', recipient: phone }]));
    await h.simulator.postWebhook(statusWebhook([{ wamid: reply.wamid, status: 'failed', recipient: phone }]));
    await settled();
    expect(await statusOf(reply.wamid)).toEqual({ status: 'Read', error: null });
  });

  it('records failed with the error title, and a later read proves delivery', async () => {
    h.simulator.setFaults({ failedStatus: { rate: 1, code: 131026 } });
    const phone = '15551110011';
    await h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('f'), body: 'echo fail' }]));
    const reply = await eventually(() => sentTo(phone)[0]);
    const failed = await eventually(async () => {
      const current = await statusOf(reply.wamid);
      return current?.status === 'Failed' ? current : null;
    });
    h.simulator.setFaults({});
    // errors[0].title of the failed status, as the simulator sends it for 131026
    expect(failed.error).toBe('Message undeliverable');
    const failedAt = await statusUpdatedAt(reply.wamid);
    expect(failedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h.simulator.postWebhook(statusWebhook([{ wamid: reply.wamid, status: 'read', recipient: phone }]));
    await eventually(async () => (await statusOf(reply.wamid))?.status === 'Read');
    expect(await statusUpdatedAt(reply.wamid)).toBeGreaterThan(failedAt!);
  });

  it('applies statuses that arrive before the send was answered, once the wamid is recorded', async () => {
    h.simulator.setFaults({ statusesBeforeAnswer: true });
    const phone = '15551110013';
    await h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('early'), body: 'echo early' }]));
    const reply = await eventually(() => sentTo(phone)[0]);
    await eventually(async () => (await statusOf(reply.wamid))?.status === 'Read');
    h.simulator.setFaults({});
    const early = await queryRows<{ state: string; reason: string | null }>(
      h,
      sql`select state, reason from inbound_events where wamid = ${reply.wamid} and kind = 'status'`,
    );
    expect(early).toHaveLength(3);
    await eventually(async () => {
      const states = await queryRows<{ state: string }>(h, sql`select state from inbound_events where wamid = ${reply.wamid} and kind = 'status'`);
      return states.every((event) => event.state === 'done');
    });
  });

  it('keeps a status for an unknown wamid as unmatched and answers 200', async () => {
    const id = wamid('orphan');
    expect((await h.simulator.postWebhook(statusWebhook([{ wamid: id, status: 'delivered', recipient: '15551110012' }]))).status).toBe(200);
    await eventually(async () => (await count(sql`select count(*)::int as n from inbound_events where wamid = ${id} and state = 'unmatched'`)) === 1);
  });
});
