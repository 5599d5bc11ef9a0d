/**
 * Send rate limits, measured at the simulator: a number's throughput (SEND_RATE_PER_NUMBER, or
 * the user's own `messagesPerSecond` set through the admin API) and the pair rate to one
 * recipient (SEND_PAIR_INTERVAL_MS with a burst of SEND_PAIR_BURST), and how a send one of them
 * refuses waits for the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoFlow } from '../fixtures/flows.js';
import { ADMIN_TOKEN, ACCESS_TOKEN, PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import type { SentMessage } from '../../src/simulator/index.js';
import { textWebhook, wamid } from '../support/webhooks.js';

const PAIR_INTERVAL_MS = 400;
const SECOND_NUMBER = '200300402';

const countToThree = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'one', type: 'message', data: { text: 'one' } },
    { id: 'two', type: 'message', data: { text: 'two' } },
    { id: 'three', type: 'end', data: { text: 'three' } },
  ],
  edges: [
    { id: 'a', source: 'start', target: 'one' },
    { id: 'b', source: 'one', target: 'two' },
    { id: 'c', source: 'two', target: 'three' },
  ],
};

/** The messages a contact received, in order, once there are `count`. */
const sentTo = (harness: Harness, phone: string, count: number) =>
  eventually(() => {
    const found = harness.simulator.sent.filter((message) => message.to === phone);
    return found.length === count ? found : null;
  }, 20_000);

const textOf = (message: SentMessage) => (message.body.text as { body: string }).body;

let h: Harness;
let tenant: { id: string; apiKey: string };

beforeAll(async () => {
  h = await startHarness({ env: { SEND_PAIR_INTERVAL_MS: String(PAIR_INTERVAL_MS), SEND_PAIR_BURST: '1' } });
  const created = await h.api<{ id: string; apiKey: string; messagesPerSecond: number | null }>(
    'POST',
    '/api/v1/users',
    { name: 'Slow tier', metaPhoneNumberId: PHONE_NUMBER_ID, metaAccessToken: ACCESS_TOKEN, messagesPerSecond: 4 },
    ADMIN_TOKEN,
  );
  expect(created.status).toBe(201);
  expect(created.body.messagesPerSecond).toBe(4);
  tenant = created.body;
  await h.createFlow(tenant.apiKey, { trigger: 'default', definition: echoFlow('hello {{input}}') });
});
afterAll(() => h.close());

/** Send times at the simulator of one message to each of `phones`, sorted. */
async function sendTimes(phones: readonly string[]): Promise<number[]> {
  const sent = await eventually(() => {
    const found = h.simulator.sent.filter((message) => phones.includes(message.to));
    return found.length === phones.length ? found : null;
  }, 20_000);
  return sent.map((message) => message.time).sort((a, b) => a - b);
}

async function burstFrom(label: string, count: number): Promise<string[]> {
  const phones = Array.from({ length: count }, (_, i) => `1555940${label}${String(i).padStart(2, '0')}`);
  const answer = await h.simulator.postWebhook(textWebhook(phones.map((from) => ({ from, wamid: wamid(label), body: 'burst' }))));
  expect(answer.status).toBe(200);
  return phones;
}

describe('throughput per business number', () => {
  it("holds the user's messagesPerSecond: a burst of 4, then 4 per second", async () => {
    const times = await sendTimes(await burstFrom('1', 12));
    // A bucket of 4 refilled at 4/s lets at most 8 sends through in any second.
    for (let i = 0; i + 8 < times.length; i++) expect(times[i + 8]! - times[i]!, `sends ${i}..${i + 8}`).toBeGreaterThanOrEqual(900);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_800);
  });

  it('goes back to SEND_RATE_PER_NUMBER (80/s) when the override is removed', async () => {
    const patched = await h.api<{ messagesPerSecond: number | null }>('PATCH', `/api/v1/users/${tenant.id}`, { messagesPerSecond: null }, ADMIN_TOKEN);
    expect(patched.status).toBe(200);
    expect(patched.body.messagesPerSecond).toBeNull();
    const times = await sendTimes(await burstFrom('2', 12));
    expect(times.at(-1)! - times[0]!).toBeLessThan(1_500);
  });

  it('is set by the operator only: a user cannot raise its own rate, and bad values are refused', async () => {
    expect((await h.api('PATCH', '/api/v1/me', { messagesPerSecond: 1000 }, tenant.apiKey)).status).toBe(400);
    for (const messagesPerSecond of [0, 1.5, 1001, '80']) {
      expect((await h.api('PATCH', `/api/v1/users/${tenant.id}`, { messagesPerSecond }, ADMIN_TOKEN)).status, String(messagesPerSecond)).toBe(400);
    }
    const { body } = await h.api<{ users: Array<{ id: string; messagesPerSecond: number | null }> }>('GET', '/api/v1/users', undefined, ADMIN_TOKEN);
    expect(body.users.find((user) => user.id === tenant.id)?.messagesPerSecond).toBeNull();
  });
});

describe('pair rate to one recipient', () => {
  it('spaces messages to one contact by the pair interval once its burst is used, keeping their order', async () => {
    h.simulator.addPhoneNumber(SECOND_NUMBER, { accessToken: 'EAAG-second' });
    const other = await h.createUser(SECOND_NUMBER, 'EAAG-second');
    await h.createFlow(other.apiKey, { trigger: 'count', definition: countToThree });
    const phone = '15559419999';
    await h.simulator.userSends(SECOND_NUMBER, phone, { type: 'text', body: 'count' });
    const sent = await sentTo(h, phone, 3);
    expect(sent.map(textOf)).toEqual(['one', 'two', 'three']);
    const gaps = sent.slice(1).map((message, i) => message.time - sent[i]!.time);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(PAIR_INTERVAL_MS - 50);
  });
});

describe('a send the number refuses', () => {
  let limited: Harness;

  beforeAll(async () => {
    // A pair token lost to the number's refusal would hold a later message for a minute.
    limited = await startHarness({ env: { SEND_PAIR_INTERVAL_MS: '60000', SEND_PAIR_BURST: '3' } });
    const user = await limited.createUser();
    const patched = await limited.api('PATCH', `/api/v1/users/${user.id}`, { messagesPerSecond: 1 }, ADMIN_TOKEN);
    expect(patched.status).toBe(200);
    await limited.createFlow(user.apiKey, { trigger: 'count', definition: countToThree });
  });
  afterAll(() => limited.close());

  it("keeps its recipient's token: three messages in a pair burst of three go out at the number's rate", async () => {
    const phone = '15559420001';
    await limited.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'count' });
    // The number refuses the second and the third for a second each; no pair token is spent then.
    expect((await sentTo(limited, phone, 3)).map(textOf)).toEqual(['one', 'two', 'three']);
  });
});
