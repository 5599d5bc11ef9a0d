/**
 * An operator's takeover silences the bot's messages that are still queued: one waiting for the
 * pair rate (already handed to the sender) and one behind it are cancelled, not sent after the
 * takeover; the operator's own reply goes out in their place.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';

const PAIR_INTERVAL_MS = 2_000;

const askThenTwoMessages = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'ask', type: 'question', data: { text: 'Your name?', variable: 'name' } },
    { id: 'thanks', type: 'message', data: { text: 'Thanks {{name}}' } },
    { id: 'bye', type: 'end', data: { text: 'Bye' } },
  ],
  edges: [
    { id: 'a', source: 'start', target: 'ask' },
    { id: 'b', source: 'ask', target: 'thanks' },
    { id: 'c', source: 'thanks', target: 'bye' },
  ],
};

interface MessageView {
  direction: string;
  content: string | null;
  status: string;
  error: string | null;
}

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness({ env: { SEND_PAIR_INTERVAL_MS: String(PAIR_INTERVAL_MS), SEND_PAIR_BURST: '1' } });
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { trigger: 'default', definition: askThenTwoMessages });
});
afterAll(() => h.close());

const sentTexts = (phone: string) =>
  h.simulator.sent.filter((message) => message.to === phone).map((message) => (message.body.text as { body: string }).body);

const messagesOf = async (contactId: string) =>
  (await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contactId}/messages`, undefined, apiKey)).body.messages;

it('cancels the bot messages still queued at a takeover and sends the operator reply instead', async () => {
  const phone = '15550007001';
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hi' });
  await eventually(() => sentTexts(phone).includes('Your name?'));
  // The answer queues two messages; the pair rate holds the first for about two seconds.
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Ana' });
  const contactId = await eventually(async () => {
    const { body } = await h.api<{ conversations: Array<{ contact: { id: string; phone: string } }> }>('GET', '/api/v1/conversations', undefined, apiKey);
    const contact = body.conversations.find((row) => row.contact.phone === phone)?.contact;
    return contact && (await messagesOf(contact.id)).some((message) => message.content === 'Bye') ? contact.id : null;
  });
  const takeover = await h.api('POST', `/api/v1/contacts/${contactId}/takeover`, undefined, apiKey);
  expect(takeover.status).toBe(200);
  expect(sentTexts(phone)).toEqual(['Your name?']);

  const cancelled = (await messagesOf(contactId)).filter((message) => message.content === 'Thanks Ana' || message.content === 'Bye');
  expect(cancelled).toHaveLength(2);
  for (const message of cancelled) expect(message).toMatchObject({ status: 'Failed', error: 'not sent: an operator took over the conversation' });

  expect((await h.api('POST', `/api/v1/contacts/${contactId}/messages`, { text: 'Ana here, how can I help?' }, apiKey)).status).toBe(201);
  await eventually(() => sentTexts(phone).includes('Ana here, how can I help?'));
  // Past the next pair slot as well: nothing the bot had queued goes out late.
  await new Promise((resolve) => setTimeout(resolve, PAIR_INTERVAL_MS + 500));
  expect(sentTexts(phone)).toEqual(['Your name?', 'Ana here, how can I help?']);
});
