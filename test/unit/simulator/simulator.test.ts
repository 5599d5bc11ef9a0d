import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type UserMessage } from '../../../src/simulator/index.js';
import { createGraphClient, type GraphClient } from '../../../src/whatsapp/graph-client.js';
import type { MessageRecord, StatusRecord, WebhookRecord } from '../../../src/whatsapp/inbound.js';
import { verifySignature } from '../../../src/whatsapp/signature.js';
import { parseWebhook } from '../../../src/whatsapp/webhook.js';
import { startReceiver, type ReceivedWebhook, type Receiver } from './receiver.js';

const APP_SECRET = 'simulator-secret';
const PNID = '106540352242922';
const OTHER_PNID = '106540352242999';
const TOKEN = 'token-1';
const USER = '15551234567';

let sim: Simulator;
let receiver: Receiver;
let graph: GraphClient;

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({
    appSecret: APP_SECRET,
    webhookUrl: receiver.url,
    phoneNumbers: { [PNID]: { accessToken: TOKEN, displayPhoneNumber: '15550783881', wabaId: '102290129340398' } },
    statusDelayMs: 5,
  });
  graph = createGraphClient({ baseUrl: sim.url, apiVersion: 'v23.0', timeoutMs: 2_000 });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

/** Restarts the simulator with automatic statuses off, so only what a test sends reaches the receiver. */
async function restartWithoutStatuses(): Promise<void> {
  await sim.close();
  sim = await startSimulator({ appSecret: APP_SECRET, webhookUrl: receiver.url, phoneNumbers: { [PNID]: { accessToken: TOKEN } }, statuses: [] });
  graph = createGraphClient({ baseUrl: sim.url, apiVersion: 'v23.0', timeoutMs: 2_000 });
}

function expectSigned(webhook: ReceivedWebhook | undefined): void {
  expect(webhook?.contentType).toBe('application/json');
  expect(verifySignature(webhook?.rawBody ?? Buffer.alloc(0), webhook?.signature, [APP_SECRET])).toBe(true);
}

function records(webhooks: readonly ReceivedWebhook[]): WebhookRecord[] {
  return webhooks.flatMap((webhook) => parseWebhook(webhook.json));
}

function statuses(webhooks: readonly ReceivedWebhook[]): StatusRecord[] {
  return records(webhooks).filter((record): record is StatusRecord => record.kind === 'status');
}

async function userMessage(message: UserMessage, options: Parameters<Simulator['userSends']>[3] = {}): Promise<MessageRecord> {
  const before = receiver.received.length;
  const { wamid, status } = await sim.userSends(PNID, USER, message, { name: 'Jane', ...options });
  expect(status).toBe(200);
  const webhooks = await receiver.waitForCount(before + 1);
  const webhook = webhooks[before];
  expectSigned(webhook);
  const [record, ...rest] = parseWebhook(webhook?.json);
  expect(rest).toEqual([]);
  expect(record).toMatchObject({ kind: 'message', dedupeKey: `msg:${wamid}`, phoneNumberId: PNID });
  return record as MessageRecord;
}

const text = (body: string) => ({ type: 'text', text: { body } }) as const;

describe('status webhooks', () => {
  it('follows an accepted send with signed sent, delivered and read webhooks', async () => {
    const { wamid } = await graph.send(PNID, TOKEN, USER, text('Hello'), { bizOpaqueCallbackData: 'café/1' });
    const webhooks = await receiver.waitForCount(3);
    webhooks.forEach(expectSigned);
    expect(statuses(webhooks).map((record) => [record.data.wamid, record.data.status, record.contactKey, record.phoneNumberId])).toEqual([
      [wamid, 'sent', USER, PNID],
      [wamid, 'delivered', USER, PNID],
      [wamid, 'read', USER, PNID],
    ]);
    const first = webhooks[0];
    // Written as Meta writes JSON, and signed over those exact bytes.
    expect(first?.rawBody.toString('utf8')).toContain('caf\\u00e9\\/1');
    expect(first?.json).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { metadata: { phone_number_id: PNID, display_phone_number: '15550783881' } } }] }],
    });
    expect(JSON.stringify(first?.json)).toContain('"biz_opaque_callback_data":"café/1"');
    await sim.waitFor(() => sim.webhooks.length === 3);
    expect(sim.webhooks.filter((delivery) => delivery.kind === 'status').map((delivery) => delivery.status)).toEqual([200, 200, 200]);
  });

  it('sends a failed status with the error code instead, when configured', async () => {
    sim.setFaults({ failedStatus: { rate: 1, code: 131047 } });
    const { wamid } = await graph.send(PNID, TOKEN, USER, text('Hello'));
    const webhooks = await receiver.waitForCount(2);
    expect(statuses(webhooks).map((record) => record.data)).toMatchObject([
      { wamid, status: 'sent', errorCode: null },
      { wamid, status: 'failed', errorCode: 131047, error: 'Re-engagement message' },
    ]);
  });

  it('delivers statuses in reverse order, or twice, when configured', async () => {
    sim.setFaults({ statusOrder: 'reversed', duplicateStatusRate: 1 });
    await graph.send(PNID, TOKEN, USER, text('Hello'));
    const webhooks = await receiver.waitForCount(6);
    expect(statuses(webhooks).map((record) => record.data.status)).toEqual(['read', 'read', 'delivered', 'delivered', 'sent', 'sent']);
  });

  it('shuffles statuses when configured', async () => {
    sim.setFaults({ statusOrder: 'shuffled' });
    await graph.send(PNID, TOKEN, USER, text('Hello'));
    const webhooks = await receiver.waitForCount(3);
    expect(statuses(webhooks).map((record) => record.data.status).sort()).toEqual(['delivered', 'read', 'sent']);
  });

  it('sends a status on demand, for a recipient known by BSUID too', async () => {
    await restartWithoutStatuses();
    const { wamid } = await graph.send(PNID, TOKEN, 'US.13491208655302741918', text('Hello'));
    expect(await sim.sendStatus(wamid, 'failed', { errorCode: 131026 })).toEqual({ status: 200 });
    const [webhook] = await receiver.waitForCount(1);
    expect(statuses([webhook as ReceivedWebhook])[0]?.data).toMatchObject({
      status: 'failed',
      recipient: 'US.13491208655302741918',
      errorCode: 131026,
      error: 'Message undeliverable',
    });
    await expect(sim.sendStatus('wamid.unknown', 'read')).rejects.toThrow(/no accepted message/);
  });

  it('posts no status webhook once closed, even with a POST in flight when close() was called', async () => {
    receiver.answerAfter(50);
    const { wamid } = await graph.send(PNID, TOKEN, USER, text('Hello'));
    await receiver.waitForCount(1);
    await sim.close();
    // close() waited for the abandoned POST: nothing is recorded after it.
    expect(sim.webhooks).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statuses(receiver.received).map((record) => record.data.status)).toEqual(['sent']);
    expect(sim.webhooks).toHaveLength(1);
    await expect(sim.sendStatus(wamid, 'read')).rejects.toThrow(/simulator closed/);
  });

  it('names a recipient in its statuses as the send answer does: digits only', async () => {
    const to = '+1 555 123 4567';
    const response = await fetch(`${sim.url}/v23.0/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Pick one' } }),
    });
    const answer = (await response.json()) as { contacts: Array<{ wa_id: string }>; messages: Array<{ id: string }> };
    expect(answer.contacts).toEqual([{ input: to, wa_id: USER }]);
    const webhooks = await receiver.waitForCount(3);
    expect(statuses(webhooks).map((record) => record.data.recipient)).toEqual([USER, USER, USER]);
    // The user known by those digits answers that message.
    const record = await userMessage({ type: 'button_reply', id: 'yes', title: 'Yes' });
    expect(record.data.summary.replyTo).toBe(answer.messages[0]?.id);
  });

  it('records a failed delivery without failing the send', async () => {
    receiver.answerWith(503);
    await graph.send(PNID, TOKEN, USER, text('Hello'));
    await sim.waitFor(() => sim.webhooks.length >= 3);
    expect(sim.webhooks.map((delivery) => delivery.status)).toEqual([503, 503, 503]);
  });
});

describe('users', () => {
  it('sends a text with a fresh wamid, the current time and the profile name', async () => {
    const before = Date.now();
    const record = await userMessage({ type: 'text', body: 'Hi / hällo 😀' });
    expect(record.contactKey).toBe(USER);
    expect(record.data.profile).toEqual({ name: 'Jane', phone: USER, userId: null });
    expect(record.data.summary).toEqual({ type: 'text', text: 'Hi / hällo 😀', reply: null, replyTo: null });
    expect(record.data.timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(record.data.timestamp).toBeLessThanOrEqual(Date.now());
    expect(receiver.received[0]?.rawBody.toString('utf8')).toContain('Hi \\/ h\\u00e4llo \\ud83d\\ude00');
  });

  it('answers the last message it was sent when replying to buttons', async () => {
    await restartWithoutStatuses();
    const { wamid } = await graph.send(PNID, TOKEN, USER, text('Pick one'));
    const record = await userMessage({ type: 'button_reply', id: 'yes', title: 'Yes' });
    expect(record.data.summary).toEqual({ type: 'interactive', text: 'Yes', reply: { kind: 'button_reply', id: 'yes', title: 'Yes' }, replyTo: wamid });
  });

  it.each<[string, UserMessage, object]>([
    ['a list reply', { type: 'list_reply', id: 'r1', title: 'Large', description: '40 cm' }, { type: 'interactive', text: 'Large', reply: { kind: 'list_reply', id: 'r1', title: 'Large' } }],
    ['a flow reply', { type: 'nfm_reply', response: { size: 'L' } }, { type: 'interactive', text: 'Sent', reply: null }],
    ['a template button', { type: 'button', text: 'Stop', payload: 'STOP' }, { type: 'button', text: 'Stop', reply: { kind: 'button', id: 'STOP', title: 'Stop' } }],
    ['an image', { type: 'image', caption: 'receipt' }, { type: 'image', text: 'receipt' }],
    ['a voice note', { type: 'audio' }, { type: 'audio', text: null }],
    ['a document', { type: 'document', filename: 'a.pdf', caption: 'Invoice' }, { type: 'document', text: 'Invoice' }],
    ['a video', { type: 'video' }, { type: 'video', text: null }],
    ['a sticker', { type: 'sticker' }, { type: 'sticker', text: null }],
    ['a location', { type: 'location', latitude: 1.5, longitude: 2.5, name: 'Home' }, { type: 'location', text: 'Home' }],
    ['contacts', { type: 'contacts', contacts: [{ name: 'John', phone: '+15550100' }] }, { type: 'contacts', text: null }],
    ['a reaction', { type: 'reaction', messageId: 'wamid.X', emoji: '❤️' }, { type: 'reaction', text: null }],
    ['a removed reaction', { type: 'reaction', messageId: 'wamid.X' }, { type: 'reaction', text: null }],
    [
      'an order',
      { type: 'order', catalogId: 'c1', text: 'asap', items: [{ productRetailerId: 'sku', quantity: 1, price: 2, currency: 'EUR' }] },
      { type: 'order', text: 'asap' },
    ],
  ])('sends %s that the parser understands', async (_case, message, summary) => {
    expect((await userMessage(message, { replyTo: 'wamid.CTX' })).data.summary).toMatchObject({ ...summary, replyTo: 'wamid.CTX' });
  });

  it('sends unsupported messages, which the parser ignores', async () => {
    await sim.userSends(PNID, USER, { type: 'unsupported' });
    const [webhook] = await receiver.waitForCount(1);
    expect(parseWebhook(webhook?.json)).toMatchObject([{ kind: 'ignored', reason: 'message type "unsupported" is not handled' }]);
  });

  it('plays username-only users identified by BSUID', async () => {
    const userId = 'US.13491208655302741918';
    await sim.userSends(PNID, null, { type: 'text', body: 'hi' }, { userId, name: 'Neo' });
    const [webhook] = await receiver.waitForCount(1);
    expect(parseWebhook(webhook?.json)).toMatchObject([{ kind: 'message', contactKey: userId, data: { profile: { name: 'Neo', phone: null, userId } } }]);
    await expect(sim.userSends(PNID, null, { type: 'text', body: 'x' })).rejects.toThrow(/phone or a userId/);
  });

  it('refuses unknown phone numbers and a missing webhook URL', async () => {
    await expect(sim.userSends('nope', USER, { type: 'text', body: 'x' })).rejects.toThrow(/unknown phone number id/);
    sim.setWebhookUrl(null);
    await expect(sim.userSends(PNID, USER, { type: 'text', body: 'x' })).rejects.toThrow(/no webhook URL set/);
  });

  it("returns the receiver's status", async () => {
    receiver.answerWith(401);
    expect((await sim.userSends(PNID, USER, { type: 'text', body: 'x' })).status).toBe(401);
  });
});

describe('batches', () => {
  beforeEach(() => {
    sim.addPhoneNumber(OTHER_PNID, { accessToken: 'token-2', wabaId: '999' });
  });

  const sends = () => [
    { phoneNumberId: PNID, from: '111', name: 'Ann', message: { type: 'text', body: 'one' } as const },
    { phoneNumberId: PNID, from: '222', name: 'Bob', message: { type: 'text', body: 'two' } as const },
    { phoneNumberId: OTHER_PNID, from: '111', name: 'Ann', message: { type: 'text', body: 'three' } as const },
  ];

  it.each(['grouped', 'entry-per-message', 'change-per-message'] as const)('lays out a %s batch in one signed POST', async (layout) => {
    const { wamids, status } = await sim.usersSend(sends(), layout);
    expect(status).toBe(200);
    const [webhook] = await receiver.waitForCount(1);
    expectSigned(webhook);
    const body = webhook?.json as { entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }> };
    const shape = body.entry.map((entry) => entry.changes.map((change) => change.value.messages.length));
    expect(shape).toEqual(
      { grouped: [[2], [1]], 'entry-per-message': [[1], [1], [1]], 'change-per-message': [[1, 1], [1]] }[layout],
    );
    const parsed = parseWebhook(webhook?.json) as MessageRecord[];
    expect(parsed.map((record) => [record.dedupeKey, record.phoneNumberId, record.contactKey, record.data.profile.name])).toEqual([
      [`msg:${wamids[0]}`, PNID, '111', 'Ann'],
      [`msg:${wamids[1]}`, PNID, '222', 'Bob'],
      [`msg:${wamids[2]}`, OTHER_PNID, '111', 'Ann'],
    ]);
  });
});

describe('raw webhooks', () => {
  it('signs what it posts, or not, as asked', async () => {
    await sim.postWebhook('{"not":"closed"');
    await sim.postWebhook({ object: 'page', text: 'a/b' }, { signature: false });
    await sim.postWebhook('{}', { signature: 'sha256=00' });
    const [raw, unsigned, wrong] = await receiver.waitForCount(3);
    expect(raw?.rawBody.toString('utf8')).toBe('{"not":"closed"');
    expectSigned(raw);
    expect(unsigned?.signature).toBeUndefined();
    expect(unsigned?.rawBody.toString('utf8')).toBe('{"object":"page","text":"a\\/b"}');
    expect(wrong?.signature).toBe('sha256=00');
  });
});

describe('Graph API edges', () => {
  it('answers unknown paths like Graph', async () => {
    const response = await fetch(`${sim.url}/v23.0/${PNID}/templates`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 2500 } });
  });

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${sim.url}/v23.0/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 100 } });
  });

  it('adds latency to every answer', async () => {
    sim.setFaults({ latencyMs: 100 });
    const started = Date.now();
    await graph.markRead(PNID, TOKEN, 'wamid.X');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('records a send it accepted but could not answer, because the client had given up', async () => {
    // The answer waits for the status webhooks, and the webhook endpoint takes 300 ms to answer.
    const slowEndpoint = createServer((_request, response) => setTimeout(() => response.end(), 300));
    await new Promise<void>((resolve) => slowEndpoint.listen(0, '127.0.0.1', resolve));
    try {
      sim.setWebhookUrl(`http://127.0.0.1:${(slowEndpoint.address() as AddressInfo).port}/`);
      sim.setFaults({ statusesBeforeAnswer: true });
      const impatient = createGraphClient({ baseUrl: sim.url, apiVersion: 'v23.0', timeoutMs: 100 });
      expect(await impatient.send(PNID, TOKEN, USER, text('gave up')).catch((error: unknown) => error)).toMatchObject({ retry: 'yes' });
      const [unanswered] = await sim.waitFor(() => (sim.unanswered.length > 0 ? sim.unanswered : undefined));
      expect(sim.sent.map((message) => message.wamid)).toEqual([unanswered!.wamid]);

      sim.setFaults({});
      await graph.send(PNID, TOKEN, USER, text('answered'));
      expect(sim.sent).toHaveLength(2);
      expect(sim.unanswered).toHaveLength(1);
    } finally {
      await new Promise((resolve) => slowEndpoint.close(resolve));
    }
  });

  it('closes promptly while a request hangs', async () => {
    sim.setFaults({ failNext: { count: 1, failure: { kind: 'timeout' } } });
    const slow = createGraphClient({ baseUrl: sim.url, apiVersion: 'v23.0', timeoutMs: 10_000 });
    const pending = slow.send(PNID, TOKEN, USER, text('hang')).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toMatchObject({ retry: 'yes' });
  });

  it('lets tests wait for what they need, or fail clearly', async () => {
    const waiting = sim.waitFor(() => sim.sent.find((message) => message.to === USER));
    const { wamid } = await graph.send(PNID, TOKEN, USER, text('Hello'));
    expect((await waiting).wamid).toBe(wamid);
    await expect(sim.waitFor(() => false, 20)).rejects.toThrow(/not met within 20 ms/);
  });
});

describe('history', () => {
  it('keeps the last historyLimit entries', async () => {
    const small = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PNID]: { accessToken: TOKEN } }, historyLimit: 2 });
    try {
      const client = createGraphClient({ baseUrl: small.url, apiVersion: 'v23.0', timeoutMs: 2_000 });
      const wamids: string[] = [];
      for (const body of ['one', 'two', 'three']) wamids.push((await client.send(PNID, TOKEN, USER, text(body))).wamid);
      expect(small.sent.map((message) => message.wamid)).toEqual(wamids.slice(1));
    } finally {
      await small.close();
    }
  });
});
