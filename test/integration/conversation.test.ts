/**
 * A whole conversation through real HTTP: the simulator plays the user, waflow runs the flow,
 * replies reach the simulator as Cloud API requests, and the admin API shows the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { name: 'Menu', trigger: 'menu', definition: menuFlow });
});
afterAll(() => h.close());

const sentTo = (phone: string) => h.simulator.sent.filter((message) => message.to === phone);

async function repliesAfter(phone: string, count: number) {
  return eventually(() => {
    const sent = sentTo(phone);
    return sent.length >= count ? sent : null;
  });
}

interface ContactView { id: string; phone: string; name: string | null }
interface MessageView { direction: string; type: string; content: string | null; status: string; waMessageId: string | null }
interface SessionView { status: string; currentNodeId: string | null; context: { variables: Record<string, string> } }

async function contactOf(phone: string): Promise<ContactView> {
  const { body } = await h.api<{ contacts: ContactView[] }>('GET', '/api/v1/contacts', undefined, apiKey);
  const contact = body.contacts.find((c) => c.phone === phone);
  if (!contact) throw new Error(`no contact ${phone}`);
  return contact;
}

async function sessionOf(phone: string): Promise<SessionView> {
  const contact = await contactOf(phone);
  const { body } = await h.api<{ sessions: SessionView[] }>('GET', `/api/v1/sessions?contactId=${contact.id}`, undefined, apiKey);
  return body.sessions[0]!;
}

describe('menu flow', () => {
  it('greets, shows buttons, then a list, and ends with the choice (button and list replies by id)', async () => {
    const phone = '15550000001';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Menu please' }, { name: 'Ana' });
    const [hello, menu] = await repliesAfter(phone, 2);
    expect(hello!.body).toMatchObject({ type: 'text', text: { body: 'Hi Ana! Welcome.' } });
    expect(menu!.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'How can we help?' },
        action: { buttons: [{ reply: { id: 'sales', title: 'Sales' } }, { reply: { id: 'support' } }, { reply: { id: 'other' } }] },
      },
    });
    await eventually(async () => (await sessionOf(phone)).status === 'Paused');

    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'button_reply', id: 'sales', title: 'Sales' });
    const list = (await repliesAfter(phone, 3))[2]!;
    expect(list.body).toMatchObject({
      type: 'interactive',
      interactive: { type: 'list', action: { button: 'Products', sections: [{ rows: [{ id: 'p1' }, { id: 'p2' }] }] } },
    });

    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'list_reply', id: 'p2', title: 'Plan B' });
    const bye = (await repliesAfter(phone, 4))[3]!;
    expect(bye.body).toMatchObject({ type: 'text', text: { body: 'Great choice: Plan B.' } });

    const session = await eventually(async () => {
      const current = await sessionOf(phone);
      return current.status === 'Completed' ? current : null;
    });
    expect(session.context.variables).toMatchObject({ choice: 'Sales', product: 'Plan B' });

    const contact = await contactOf(phone);
    expect(contact.name).toBe('Ana');
    const { body } = await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contact.id}/messages`, undefined, apiKey);
    const inbound = body.messages.filter((m) => m.direction === 'inbound');
    const outbound = body.messages.filter((m) => m.direction === 'outbound');
    expect(inbound.map((m) => m.type).sort()).toEqual(['interactive', 'interactive', 'text']);
    expect(outbound).toHaveLength(4);
    // every outbound was accepted by the simulator and carries its wamid
    for (const message of outbound) expect(message.waMessageId).toMatch(/^wamid\./);
  });

  it('counts a typed number or a typed button title as that button, and captures a question answer', async () => {
    const phone = '15550000002';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await repliesAfter(phone, 2);
    await eventually(async () => (await sessionOf(phone)).status === 'Paused');
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: '2' });
    const question = (await repliesAfter(phone, 3))[2]!;
    expect(question.body).toMatchObject({ type: 'text', text: { body: 'What is your order number?' } });
    await eventually(async () => (await sessionOf(phone)).currentNodeId === 'ask-name');
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'A-1234' });
    expect((await repliesAfter(phone, 4))[3]!.body).toMatchObject({ text: { body: 'We will look at order A-1234.' } });

    const other = '15550000003';
    await h.simulator.userSends(PHONE_NUMBER_ID, other, { type: 'text', body: 'MENÚ' });
    await repliesAfter(other, 2);
    await eventually(async () => (await sessionOf(other)).status === 'Paused');
    await h.simulator.userSends(PHONE_NUMBER_ID, other, { type: 'text', body: 'something else' });
    expect((await repliesAfter(other, 3))[2]!.body).toMatchObject({ text: { body: 'Bye!' } });
  });

  it('restarts a Completed session from the start when its trigger matches again', async () => {
    const phone = '15550000004';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await repliesAfter(phone, 2);
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'button_reply', id: 'other', title: 'Something else' });
    await repliesAfter(phone, 3);
    await eventually(async () => (await sessionOf(phone)).status === 'Completed');

    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu again' });
    const replies = await repliesAfter(phone, 5);
    expect(replies[3]!.body).toMatchObject({ text: { body: expect.stringContaining('Welcome') } });
    const contact = await contactOf(phone);
    const { body } = await h.api<{ sessions: SessionView[] }>('GET', `/api/v1/sessions?contactId=${contact.id}`, undefined, apiKey);
    expect(body.sessions).toHaveLength(1);
    expect(body.sessions[0]!.status).toBe('Paused');
  });

  it('stores a message that matches no flow without replying', async () => {
    const phone = '15550000005';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello there' });
    const contact = await eventually(() => contactOf(phone));
    const { body } = await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contact.id}/messages`, undefined, apiKey);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({ direction: 'inbound', content: 'hello there', status: 'Delivered' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sentTo(phone)).toHaveLength(0);
    // A page before a date the database cannot hold is a clear 400, not a failed query.
    for (const before of ['10000-01-01', '0000-01-01', '-271821-04-20T00:00:00Z']) {
      const page = await h.api<{ error: { code: string } }>('GET', `/api/v1/contacts/${contact.id}/messages?before=${before}`, undefined, apiKey);
      expect(page.status, before).toBe(400);
    }
    const earlier = await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contact.id}/messages?before=2000-01-01`, undefined, apiKey);
    expect(earlier.body.messages).toEqual([]);
    // A page cut at a message names its time and its id; an id alone says nothing.
    const [only] = body.messages as Array<MessageView & { id: string; createdAt: string }>;
    const cut = await h.api<{ messages: MessageView[] }>('GET', `/api/v1/contacts/${contact.id}/messages?before=${only!.createdAt}&beforeId=${only!.id}`, undefined, apiKey);
    expect(cut.body.messages).toEqual([]);
    expect((await h.api('GET', `/api/v1/contacts/${contact.id}/messages?beforeId=${only!.id}`, undefined, apiKey)).status).toBe(400);
  });
});
