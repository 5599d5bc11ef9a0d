/**
 * Every inbound message type of the reference goes through the pipeline without a crash: stored
 * as an inbound Message with its payload, and the flow reacts (or ignores) by rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { UserMessage } from '../../src/simulator/index.js';
import { questionFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const { apiKey } = await h.createUser();
  await h.createFlow(apiKey, { trigger: 'default', definition: questionFlow });
});
afterAll(() => h.close());

const messages: Array<[string, UserMessage]> = [
  ['text', { type: 'text', body: 'hello' }],
  ['interactive', { type: 'button_reply', id: 'b1', title: 'Yes' }],
  ['interactive', { type: 'list_reply', id: 'r1', title: 'Row', description: 'd' }],
  ['interactive', { type: 'nfm_reply', response: { flow_token: 't', answer: 42 }, body: 'Sent' }],
  ['button', { type: 'button', text: 'Stop promotions', payload: 'STOP' }],
  ['image', { type: 'image', caption: 'a photo' }],
  ['video', { type: 'video' }],
  ['audio', { type: 'audio' }],
  ['document', { type: 'document', filename: 'invoice.pdf' }],
  ['sticker', { type: 'sticker' }],
  ['location', { type: 'location', latitude: 52.52, longitude: 13.4, name: 'Berlin' }],
  ['contacts', { type: 'contacts', contacts: [{ name: 'Ann', phone: '+15550001' }] }],
  ['reaction', { type: 'reaction', messageId: 'wamid.x', emoji: '👍' }],
  ['reaction', { type: 'reaction', messageId: 'wamid.x' }],
  ['order', { type: 'order', catalogId: 'c1', items: [{ productRetailerId: 'p', quantity: 1, price: 9.5, currency: 'EUR' }] }],
];

describe('inbound message types', () => {
  it.each(messages.map(([type, message], index) => [index, type, message] as const))(
    '#%i %s is stored with its payload and starts or resumes the flow without error',
    async (index, type, message) => {
      const phone = `155577700${String(index).padStart(2, '0')}`;
      const answer = await h.simulator.userSends(PHONE_NUMBER_ID, phone, message, { name: `User ${index}` });
      expect(answer.status).toBe(200);
      const [row] = await eventually(async () => {
        const rows = await queryRows<{ type: string; payload: { id: string }; direction: string }>(
          h,
          sql`select type, payload, direction from "Message" where "waMessageId" = ${answer.wamid}`,
        );
        return rows.length > 0 ? rows : null;
      });
      expect(row).toMatchObject({ type, direction: 'inbound', payload: { id: answer.wamid } });
      expect(await queryCount(h, sql`select count(*)::int as n from inbound_events where state = 'failed'`)).toBe(0);
    },
  );

  it('answers an unsupported message with 200 and keeps it as ignored', async () => {
    const answer = await h.simulator.userSends(PHONE_NUMBER_ID, '15557779999', { type: 'unsupported', kind: 'poll' });
    expect(answer.status).toBe(200);
    const [row] = await queryRows<{ state: string; reason: string }>(h, sql`select state, reason from inbound_events where kind = 'ignored' order by id desc limit 1`);
    expect(row!.state).toBe('ignored');
    expect(row!.reason).toBeTruthy();
  });

  it('keeps a username-only user (BSUID, no phone) as one contact across messages', async () => {
    const userId = 'US.13491208655302741918';
    await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: 'hi' }, { userId, name: 'Anon' });
    await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: 'Sam' }, { userId });
    await eventually(async () => (await queryCount(h, sql`select count(*)::int as n from "Message" m join "Contact" c on c.id = m."contactId" where c."waUserId" = ${userId} and m.direction = 'inbound'`)) === 2);
    expect(await queryCount(h, sql`select count(*)::int as n from "Contact" where "waUserId" = ${userId}`)).toBe(1);
  });

  it('keeps the BSUID beside the phone, the profile name up to date, and finds the contact by BSUID later', async () => {
    const userId = 'US.28830017731200418822';
    const phone = '15557778888';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hi' }, { userId, name: 'Old Name' });
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'Zoe' }, { userId, name: 'New Name' });
    await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: 'no phone now' }, { userId });
    await eventually(async () => (await queryCount(h, sql`select count(*)::int as n from "Message" m join "Contact" c on c.id = m."contactId" where c.phone = ${phone} and m.direction = 'inbound'`)) === 3);
    const rows = await queryRows<{ phone: string; waUserId: string | null; name: string | null }>(
      h,
      sql`select phone, "waUserId", name from "Contact" where phone = ${phone} or "waUserId" = ${userId}`,
    );
    expect(rows).toEqual([{ phone, waUserId: userId, name: 'New Name' }]);
  });

  it('keeps a username-only user who later shows a phone as one contact, and answers both messages', async () => {
    const userId = 'US.55510020030040050060';
    const phone = '15557776666';
    const first = await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: 'hi' }, { userId, name: 'Anon' });
    await eventually(async () => (await queryCount(h, sql`select count(*)::int as n from "Message" where "waMessageId" = ${first.wamid}`)) === 1);
    const second = await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'now with a phone' }, { userId });
    await eventually(async () => (await queryCount(h, sql`select count(*)::int as n from "Message" where "waMessageId" = ${second.wamid}`)) === 1);
    const rows = await queryRows<{ phone: string; waUserId: string | null }>(h, sql`select phone, "waUserId" from "Contact" where phone = ${phone} or "waUserId" = ${userId}`);
    expect(rows).toEqual([{ phone: userId, waUserId: userId }]);
    expect(await queryCount(h, sql`select count(*)::int as n from inbound_events where state = 'failed'`)).toBe(0);
  });
});
