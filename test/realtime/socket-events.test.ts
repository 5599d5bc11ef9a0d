/**
 * socket.io over real HTTP, with socket.io-client: handshake authentication, joins limited to
 * the user's own contacts, every event of a scripted conversation (bot, delivery statuses,
 * operator takeover) with its exact payload and in order, and the replay after a reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_REPLAYS, USER_REQUESTS } from '../../src/realtime/socket-requests.js';
import { createSocketTokens, SOCKET_TOKEN_TTL_MS } from '../../src/realtime/socket-tokens.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { connectClient, connectError, type TestClient } from './clients.js';

const BOB_NUMBER = '200300400';

interface MessageView {
  id: string;
  direction: string;
  content: string | null;
  status: string;
  waMessageId: string | null;
  [field: string]: unknown;
}

let simulator: Simulator;
let h: Harness;
let alice: { id: string; apiKey: string };
let bob: { id: string; apiKey: string };
const clients: TestClient[] = [];

beforeAll(async () => {
  // No automatic status webhooks: the test sends each one, so the order of events is fixed.
  simulator = await startSimulator({
    appSecret: APP_SECRET,
    phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN }, [BOB_NUMBER]: { accessToken: 'EAAG-bob' } },
    statuses: [],
  });
  h = await startHarness({ simulator });
  alice = await h.createUser();
  bob = await h.createUser(BOB_NUMBER, 'EAAG-bob');
  await h.createFlow(alice.apiKey, { name: 'Menu', trigger: 'menu', definition: menuFlow });
});
afterAll(async () => {
  // Closed while clients are still connected: shutting down must not wait for them.
  await h.close();
  expect(clients.every((client) => !client.socket.connected)).toBe(true);
  for (const client of clients) client.close();
  await simulator.close();
});

async function connect(auth: Record<string, unknown>): Promise<TestClient> {
  const client = await connectClient(h.url, auth);
  clients.push(client);
  return client;
}

async function contactIdOf(apiKey: string, phone: string): Promise<string> {
  return eventually(async () => {
    const { body } = await h.api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
    return body.contacts.find((contact) => contact.phone === phone)?.id;
  });
}

async function messagesOf(apiKey: string, contactId: string): Promise<MessageView[]> {
  const { body } = await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contactId}/messages?limit=500`, undefined, apiKey);
  return body.messages.reverse();
}

describe('handshake', () => {
  it('refuses a missing, unknown or forged token with a connect_error', async () => {
    expect(await connectError(h.url, {})).toMatch(/unauthorized/);
    expect(await connectError(h.url, { token: 'wfk_not-a-key' })).toMatch(/unauthorized/);
    const { body } = await h.api<{ token: string }>('POST', '/api/v1/socket-tokens', undefined, alice.apiKey);
    const forged = `${body.token.slice(0, -3)}${body.token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect(await connectError(h.url, { token: forged })).toMatch(/unauthorized/);
    expect(await connectError(h.url, { token: h.waflow.secrets.adminToken })).toMatch(/unauthorized/);
  });

  it('accepts a user API key, or a socket token minted with one', async () => {
    await connect({ token: alice.apiKey });
    const minted = await h.api<{ token: string; expiresAt: string }>('POST', '/api/v1/socket-tokens', undefined, alice.apiKey);
    expect(minted.status).toBe(201);
    expect(Date.parse(minted.body.expiresAt) - Date.now()).toBeLessThanOrEqual(SOCKET_TOKEN_TTL_MS);
    await connect({ token: minted.body.token });
    expect((await h.api('POST', '/api/v1/socket-tokens')).status).toBe(401);
    // A socket token opens a socket, nothing else.
    expect((await h.api('GET', '/api/v1/me', undefined, minted.body.token)).status).toBe(401);
  });

  it('does not accept a socket token after it expires', () => {
    const tokens = createSocketTokens(h.waflow.secrets.encryptionKey);
    const { token } = tokens.mint('user-1', 1_000);
    expect(tokens.verify(token, 1_000 + SOCKET_TOKEN_TTL_MS - 1)).toBe('user-1');
    expect(tokens.verify(token, 1_000 + SOCKET_TOKEN_TTL_MS)).toBeNull();
    expect(createSocketTokens(Buffer.alloc(32, 7)).verify(token, 1_000)).toBeNull();
  });
});

describe('rooms', () => {
  it("refuses to join another user's conversation, and sends nothing of it", async () => {
    await simulator.userSends(BOB_NUMBER, '15559990001', { type: 'text', body: 'hello bob' });
    const bobsContact = await contactIdOf(bob.apiKey, '15559990001');
    const eve = await connect({ token: alice.apiKey });

    expect(await eve.request('join:conversation', bobsContact)).toEqual({ ok: false, error: { code: 'not_found', message: 'contact not found' } });
    expect(await eve.request('join:conversation', { contactId: bobsContact })).toMatchObject({ ok: false });
    expect(await eve.request('join:conversation', 42)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    const bobsClient = await connect({ token: bob.apiKey });
    expect(await bobsClient.request('join:conversation', bobsContact)).toEqual({ ok: true, contactId: bobsContact });
    await simulator.userSends(BOB_NUMBER, '15559990001', { type: 'text', body: 'still there?' });
    await bobsClient.waitFor('message:new');
    await bobsClient.waitFor('inbox:event');
    expect(eve.received).toEqual([]);

    // After leaving, the conversation's events stop; the user room still follows it.
    expect(await bobsClient.request('leave:conversation', bobsContact)).toEqual({ ok: true, contactId: bobsContact });
    const inboxBefore = bobsClient.payloads('inbox:event').length;
    await simulator.userSends(BOB_NUMBER, '15559990001', { type: 'text', body: 'anyone?' });
    await bobsClient.waitFor('inbox:event', inboxBefore + 1);
    expect(bobsClient.payloads('message:new')).toHaveLength(1);
  });
});

describe('a scripted conversation', () => {
  it('emits every event with its exact payload, in order, to the conversation room and the user room', async () => {
    const phone = '15550001111';
    // A first message no flow answers creates the contact, so the console can join its room.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hi' }, { name: 'Ana' });
    const contactId = await contactIdOf(alice.apiKey, phone);
    const client = await connect({ token: alice.apiKey });
    expect(await client.request('join:conversation', contactId)).toEqual({ ok: true, contactId });

    // The bot greets and shows its buttons; the first reply is delivered, then read.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await client.waitFor('typing:stop', 1);
    const [, , hello] = await messagesOf(alice.apiKey, contactId);
    await simulator.sendStatus(hello!.waMessageId!, 'delivered');
    await client.waitFor('message:status', 3);
    await simulator.sendStatus(hello!.waMessageId!, 'read');
    await client.waitFor('message:status', 4);

    // The user picks "Something else": the bot says bye and the session completes.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Something else' });
    await client.waitFor('typing:stop', 2);

    // An operator takes over, replies, hands back and reads the conversation.
    const call = (path: string, body?: unknown) => h.api('POST', `/api/v1/contacts/${contactId}/${path}`, body, alice.apiKey);
    expect((await call('takeover')).status).toBe(200);
    expect((await call('messages', { text: 'A person here' })).status).toBe(201);
    await client.waitFor('typing:stop', 3);
    expect((await call('release', { mode: 'resume' })).status).toBe(200);
    expect((await call('read')).status).toBe(200);
    await client.waitFor('conversation:read');

    const [, menuIn, helloOut, buttonsOut, byeIn, byeOut, operatorOut] = await messagesOf(alice.apiKey, contactId);
    const { body: sessions } = await h.api<{ sessions: Array<{ id: string }> }>('GET', `/api/v1/sessions?contactId=${contactId}`, undefined, alice.apiKey);
    const sessionId = sessions.sessions[0]!.id;
    expect(operatorOut).toMatchObject({ direction: 'outbound', content: 'A person here', sessionId: null });

    const seq = expect.any(Number);
    const recorded = (message: MessageView) => ({ ...message, status: 'Pending', waMessageId: null, statusUpdatedAt: null, error: null });
    const created = (message: MessageView) => ['message:new', { message: recorded(message), contactId, seq }];
    const received = (message: MessageView) => ['message:new', { message, contactId, seq }];
    const status = (message: MessageView, value: string) => [
      'message:status',
      { messageId: message.id, waMessageId: message.waMessageId, status: value, contactId, error: null, seq },
    ];
    const session = (value: string) => ['session:updated', { sessionId, status: value, contactId, seq }];
    const typing = (edge: 'start' | 'stop') => [`typing:${edge}`, { contactId }];
    const readUpTo = operatorOut!.createdAt;

    const expected = [
      received(menuIn!),
      created(helloOut!),
      created(buttonsOut!),
      session('Paused'),
      typing('start'),
      status(helloOut!, 'Sent'),
      status(buttonsOut!, 'Sent'),
      typing('stop'),
      status(helloOut!, 'Delivered'),
      status(helloOut!, 'Read'),
      received(byeIn!),
      created(byeOut!),
      session('Completed'),
      typing('start'),
      status(byeOut!, 'Sent'),
      typing('stop'),
      session('Handoff'),
      created(operatorOut!),
      typing('start'),
      status(operatorOut!, 'Sent'),
      typing('stop'),
      session('Completed'),
      ['conversation:read', { contactId, readUpTo, seq }],
    ];
    const inRoom = client.received.filter((item) => item.event !== 'inbox:event');
    expect(inRoom.map((item) => [item.event, item.payload])).toEqual(expected);

    // Stored events carry increasing sequence numbers; the user room had each of them too.
    const stored = inRoom.filter((item) => 'seq' in item.payload);
    const seqs = stored.map((item) => item.payload.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const inbox = client.payloads('inbox:event').filter((event) => seqs.includes((event.payload as { seq: number }).seq));
    expect(inbox).toEqual(stored.map((item) => ({ type: item.event, payload: item.payload })));
    const typingInRoom = inRoom.filter((item) => item.event.startsWith('typing:')).map((item) => item.event);
    const typingInInbox = client.payloads('inbox:event').filter((event) => (event.type as string).startsWith('typing:'));
    expect(typingInInbox.map((event) => event.type)).toEqual(typingInRoom);
    expect(typingInInbox.every((event) => (event.payload as { contactId: string }).contactId === contactId)).toBe(true);
  });
});

describe('reconnecting', () => {
  it('replays what a client missed while it was away, from its last sequence number', async () => {
    const phone = '15550002222';
    const before = await connect({ token: alice.apiKey });
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello' });
    const [first] = await before.waitFor('inbox:event');
    const lastSeq = (first!.payload as { seq: number }).seq;
    before.close();

    // While the client is away the bot starts the menu and sends it.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    const contactId = await contactIdOf(alice.apiKey, phone);
    await eventually(async () => (await messagesOf(alice.apiKey, contactId)).filter((message) => message.status === 'Sent').length === 2);

    const after = await connect({ token: alice.apiKey });
    const replay = await after.request<{ ok: true; complete: boolean; events: Array<{ type: string; payload: { seq: number; contactId: string } }> }>(
      'events:replay',
      { afterSeq: lastSeq },
    );
    expect(replay.ok).toBe(true);
    expect(replay.complete).toBe(true);
    const missed = replay.events.filter((event) => event.payload.seq > lastSeq);
    expect(missed.map((event) => event.type)).toEqual([
      'message:new',
      'message:new',
      'message:new',
      'session:updated',
      'message:status',
      'message:status',
    ]);
    expect(missed.every((event) => event.payload.contactId === contactId)).toBe(true);
    const seqs = replay.events.map((event) => event.payload.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // A replay holds the user's own events only.
    const everything = await after.request<{ events: Array<{ payload: { contactId: string } }> }>('events:replay', { afterSeq: 0 });
    const { body } = await h.api<{ contacts: Array<{ id: string }> }>('GET', '/api/v1/contacts', undefined, alice.apiKey);
    const own = new Set(body.contacts.map((contact) => contact.id));
    expect(everything.events.every((event) => own.has(event.payload.contactId))).toBe(true);

    expect(await after.request('events:replay', { afterSeq: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});

describe('request limits', () => {
  it("answers a socket's requests in order and refuses what is past the user's buckets", async () => {
    const carol = await h.createUser('200300401', 'EAAG-carol');
    const client = await connect({ token: carol.apiKey });

    const replays = await Promise.all(Array.from({ length: USER_REPLAYS.burst + 4 }, () => client.request('events:replay', { afterSeq: 0 })));
    expect(replays.map((answer) => answer.ok)).toEqual([...Array<boolean>(USER_REPLAYS.burst).fill(true), false, false, false, false]);
    expect(replays.at(-1)).toMatchObject({ ok: false, error: { code: 'too_many_requests', message: expect.stringMatching(/try again in \d+ ms/) } });

    // Cheap requests have a bucket of their own, far larger, but a flood still ends in refusals.
    const leaves = await Promise.all(Array.from({ length: USER_REQUESTS.burst * 2 }, () => client.request('leave:conversation', 'nobody')));
    const refused = leaves.filter((answer) => !answer.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => !answer.ok && answer.error.code === 'too_many_requests')).toBe(true);
    expect(leaves.filter((answer) => answer.ok).length).toBeLessThan(USER_REQUESTS.burst);
  });
});
