/**
 * The operator console's API over real HTTP: the conversations list, read marks, takeover (the
 * bot stays silent), operator replies (the simulator receives them; refused outside the 24-hour
 * window or while the bot runs) and release (the flow resumes where it waited, timers included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { textWebhook, wamid } from '../support/webhooks.js';

const DAY_MS = 24 * 3_600_000;

const delayFlow = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'pause', type: 'delay', data: { seconds: 1 } },
    { id: 'after', type: 'end', data: { text: 'done waiting' } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'pause' },
    { id: 'e2', source: 'pause', target: 'after' },
  ],
};

interface ConversationView {
  contact: { id: string; phone: string; name: string | null; lastInboundAt: string | null };
  lastMessage: { content: string | null; direction: string } | null;
  unread: number;
  session: { id: string; status: string; currentNodeId: string | null; flowName: string } | null;
  window: { open: boolean; closesAt: string | null };
}

let h: Harness;
let apiKey: string;
let otherKey: string;

beforeAll(async () => {
  h = await startHarness({ env: { TIMER_POLL_MS: '100' } });
  ({ apiKey } = await h.createUser());
  ({ apiKey: otherKey } = await h.createUser('200300400', 'EAAG-other'));
  await h.createFlow(apiKey, { name: 'Menu', trigger: 'menu', definition: menuFlow });
  await h.createFlow(apiKey, { name: 'Wait', trigger: 'wait', definition: delayFlow });
});
afterAll(() => h.close());

const sentTexts = (phone: string) =>
  h.simulator.sent.filter((message) => message.to === phone).map((message) => {
    const body = message.body as { text?: { body: string }; interactive?: { body: { text: string } } };
    return body.text?.body ?? body.interactive?.body.text;
  });

async function conversationOf(phone: string, key = apiKey): Promise<ConversationView> {
  return eventually(async () => {
    const { body } = await h.api<{ conversations: ConversationView[] }>('GET', '/api/v1/conversations', undefined, key);
    return body.conversations.find((row) => row.contact.phone === phone);
  });
}

/** The contact writes `text` and its flow starts and waits (Paused). */
async function startFlow(phone: string, text: string): Promise<ConversationView> {
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: text });
  return eventually(async () => {
    const row = await conversationOf(phone);
    return row.session?.status === 'Paused' ? row : null;
  });
}

const act = (contactId: string, path: string, body?: unknown, key = apiKey) =>
  h.api<Record<string, unknown>>('POST', `/api/v1/contacts/${contactId}/${path}`, body, key);

describe('conversations list', () => {
  it('shows the last message, unread count, session and flow, and the 24-hour window', async () => {
    const phone = '15550003001';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' }, { name: 'Ana' });
    await eventually(() => sentTexts(phone).length === 2);
    const row = await conversationOf(phone);
    expect(row).toMatchObject({
      contact: { phone, name: 'Ana' },
      lastMessage: { direction: 'outbound', content: 'How can we help?' },
      unread: 1,
      session: { status: 'Paused', currentNodeId: 'menu', flowName: 'Menu' },
      window: { open: true },
    });
    expect(Date.parse(row.window.closesAt!) - Date.parse(row.contact.lastInboundAt!)).toBe(DAY_MS);

    expect((await act(row.contact.id, 'read')).body).toEqual({ readUpTo: expect.any(String) });
    expect((await conversationOf(phone)).unread).toBe(0);
    expect((await act(row.contact.id, 'read')).body).toEqual({ readUpTo: null });
  });

  it("answers 404 for another user's conversation, whatever the action", async () => {
    const { contact } = await conversationOf('15550003001');
    expect((await h.api('GET', `/api/v1/conversations/${contact.id}`, undefined, otherKey)).status).toBe(404);
    for (const path of ['read', 'takeover', 'release', 'messages']) {
      expect((await act(contact.id, path, path === 'messages' ? { text: 'hi' } : undefined, otherKey)).status).toBe(404);
    }
    expect((await h.api('GET', '/api/v1/conversations')).status).toBe(401);
  });
});

describe('takeover, reply and release', () => {
  it('refuses a reply while the bot runs the conversation', async () => {
    const { contact } = await conversationOf('15550003001');
    const refused = await act(contact.id, 'messages', { text: 'me too' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'bot_active' } });
  });

  it('silences the bot, sends the operator reply, then resumes the flow where it waited', async () => {
    const phone = '15550003001';
    const { contact, session } = await conversationOf(phone);
    expect((await act(contact.id, 'takeover')).body).toEqual({ session: { id: session!.id, status: 'Handoff' } });
    expect((await act(contact.id, 'takeover')).body).toEqual({ session: { id: session!.id, status: 'Handoff' } });

    // The contact answers the buttons while an operator is in charge: the bot says nothing.
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Sales' });
    await eventually(async () => (await conversationOf(phone)).lastMessage?.content === 'Sales');
    const reply = await act(contact.id, 'messages', { text: 'Hello, Ana here from sales.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ message: { direction: 'outbound', content: 'Hello, Ana here from sales.', sessionId: null } });
    await eventually(() => sentTexts(phone).includes('Hello, Ana here from sales.'));
    expect(sentTexts(phone)).toEqual(['Hi Ana! Welcome.', 'How can we help?', 'Hello, Ana here from sales.']);

    // Back to the bot: the session waits at the buttons again and takes the next answer.
    expect((await act(contact.id, 'release', { mode: 'resume' })).body).toEqual({ session: { id: session!.id, status: 'Paused' } });
    expect((await conversationOf(phone)).session).toMatchObject({ status: 'Paused', currentNodeId: 'menu' });
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Sales' });
    await eventually(() => sentTexts(phone).includes('Pick a product'));

    const again = await act(contact.id, 'release');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'not_taken_over' } });
  });

  it('keeps the takeover when a bot message sent before it fails for good', async () => {
    const phone = '15550003009';
    // The bot's first reply is on its way (held 1.5 s) when the operator takes over; then it fails.
    h.simulator.setFaults({ latencyMs: 1_500, failNext: { count: 1, failure: { kind: 'graph', code: 131026 } } });
    try {
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
      const { contact } = await eventually(async () => {
        const row = await conversationOf(phone);
        return row.session?.status === 'Paused' ? row : null;
      });
      expect((await act(contact.id, 'takeover')).body).toMatchObject({ session: { status: 'Handoff' } });
      await eventually(async () => {
        const { body } = await h.api<{ messages: Array<{ direction: string; status: string }> }>('GET', `/api/v1/contacts/${contact.id}/messages`, undefined, apiKey);
        const outbound = body.messages.filter((message) => message.direction === 'outbound');
        return outbound.length > 0 && outbound.every((message) => message.status === 'Failed');
      }, 10_000);
    } finally {
      h.simulator.setFaults({});
    }
    expect((await conversationOf(phone)).session).toMatchObject({ status: 'Handoff' });
    const reply = await act((await conversationOf(phone)).contact.id, 'messages', { text: 'Ana here.' });
    expect(reply.status).toBe(201);
  });

  it('fires a timer that came due during the takeover when the conversation is released', async () => {
    const phone = '15550003002';
    const { contact } = await startFlow(phone, 'wait');
    await act(contact.id, 'takeover');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sentTexts(phone)).toEqual([]);
    expect((await act(contact.id, 'release')).body).toMatchObject({ session: { status: 'Paused' } });
    await eventually(() => sentTexts(phone).includes('done waiting'));
    expect((await conversationOf(phone)).session?.status).toBe('Completed');
  });

  it('ends the session on release with mode "end"', async () => {
    const { contact } = await startFlow('15550003003', 'menu');
    await act(contact.id, 'takeover');
    expect((await act(contact.id, 'release', { mode: 'end' })).body).toMatchObject({ session: { status: 'Completed' } });
    expect((await act(contact.id, 'release', { mode: 'later' })).status).toBe(400);
  });

  it('refuses free text outside the 24-hour window, saying a template is needed', async () => {
    const phone = '15550003004';
    await h.simulator.postWebhook(textWebhook([{ from: phone, wamid: wamid('old'), body: 'hello?', time: Date.now() - DAY_MS - 60_000 }]));
    const row = await conversationOf(phone);
    expect(row.window.open).toBe(false);
    expect((await act(row.contact.id, 'takeover')).body).toMatchObject({ error: { code: 'no_session' } });
    const refused = await act(row.contact.id, 'messages', { text: 'sorry for the wait' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'window_closed', message: expect.stringMatching(/24-hour.*template/) } });
    expect((await act(row.contact.id, 'messages', { text: '   ' })).status).toBe(400);
  });
});
