/**
 * A contact whose messages come under two conversation keys (a username-only user, keyed by
 * BSUID, who later shows a phone) is still one conversation for locking on PostgreSQL: the
 * worker takes the contact's own key too, the one its timers, HTTP results and operators lock,
 * and takes it before it writes the contact's row, as operators do.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';
import { heldApi } from '../support/held-api.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';

const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}-${sourceHandle ?? 'next'}`, source, target, ...(sourceHandle && { sourceHandle }) });
const node = (id: string, type: string, data: object = {}) => ({ id, type, data });

/** Asks for an account number, then looks the plan up over HTTP. */
const planFlow = (url: string) => ({
  nodes: [
    node('start', 'start'),
    node('ask', 'question', { text: 'Account number?', variable: 'account' }),
    node('call', 'httpRequest', { method: 'GET', url, saveAs: { plan: 'plan' } }),
    node('ok', 'end', { text: 'Your plan: {{plan}}' }),
    node('ko', 'end', { text: 'Lookup failed' }),
  ],
  edges: [edge('start', 'ask'), edge('ask', 'call'), edge('call', 'ok', 'success'), edge('call', 'ko', 'error')],
});

describe.skipIf(!postgresAvailable)('conversation keys of one contact, on PostgreSQL', () => {
  let database: TestDatabase;
  let h: Harness;
  let apiKey: string;
  const api = heldApi({ plan: 'gold' });

  beforeAll(async () => {
    const url = await api.listen('/plan');
    database = await createTestDatabase();
    h = await startHarness({ env: { DATABASE_URL: database.url, FLOW_HTTP_ALLOW_PRIVATE: 'true' } });
    ({ apiKey } = await h.createUser());
    await h.createFlow(apiKey, { trigger: 'plan', definition: planFlow(url) });
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
    await api.close();
  });

  const stored = (wamid: string) => queryCount(h, sql`select count(*)::int as n from "Message" where "waMessageId" = ${wamid}`);
  const lockWaiters = () =>
    queryCount(
      h,
      sql`select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
    );
  const sessionOf = async (userId: string) =>
    (await queryRows<{ status: string; node: string | null }>(
      h,
      sql`select s.status, s."currentNodeId" as node from "Session" s join "Contact" c on c.id = s."contactId" where c."waUserId" = ${userId}`,
    ))[0];

  /** Another connection holding a conversation's lock, as a worker or an operator would. */
  async function holdConversation(contactKey: string): Promise<{ release(): Promise<void> }> {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`conversation:${PHONE_NUMBER_ID}|${contactKey}`]);
    let released: Promise<void> | null = null;
    return {
      release: () => (released ??= holder.query('commit').then(() => holder.end())),
    };
  }

  /** A contact first seen by BSUID only: its own key is the BSUID. */
  async function bsuidContact(userId: string, text: string): Promise<string> {
    const first = await h.simulator.userSends(PHONE_NUMBER_ID, null, { type: 'text', body: text }, { userId });
    await eventually(async () => (await stored(first.wamid)) === 1);
    const { body } = await h.api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
    return body.contacts.find((contact) => contact.phone === userId)!.id;
  }

  it("waits for the lock of the contact's own key when a message comes under another", async () => {
    const userId = 'US.77710020030040050060';
    await bsuidContact(userId, 'hi');

    // Someone holds the contact's own conversation (its key is the BSUID it was first seen with).
    const held = await holdConversation(userId);
    try {
      const second = await h.simulator.userSends(PHONE_NUMBER_ID, '15557771234', { type: 'text', body: 'with a phone now' }, { userId });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await stored(second.wamid)).toBe(0);
      await held.release();
      await eventually(async () => (await stored(second.wamid)) === 1);
    } finally {
      await held.release();
    }
  });

  it("stores an HTTP result under the contact's own key: it waits for that lock, not only the message's", async () => {
    const userId = 'US.77710020030040050061';
    await bsuidContact(userId, 'plan');
    await eventually(async () => (await sessionOf(userId))?.node === 'ask');
    // The answer comes with a phone: the request is made by a step under the phone's key.
    await h.simulator.userSends(PHONE_NUMBER_ID, '15557771235', { type: 'text', body: '42' }, { userId });
    await api.arrived();

    const held = await holdConversation(userId);
    try {
      api.answer();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await sessionOf(userId)).toEqual({ status: 'Active', node: 'call' });
      await held.release();
      await eventually(async () => (await sessionOf(userId))?.status === 'Completed');
      expect(await sessionOf(userId)).toEqual({ status: 'Completed', node: 'ok' });
    } finally {
      await held.release();
    }
  });

  it('takes the locks in the order operators do: an operator reply and a message under the other key never deadlock', async () => {
    const userId = 'US.77710020030040050062';
    const contactId = await bsuidContact(userId, 'hello');

    // Both queue for the contact's own lock: the operator first, then the message.
    const held = await holdConversation(userId);
    let reply: Promise<{ status: number }> | undefined;
    try {
      reply = h.api('POST', `/api/v1/contacts/${contactId}/messages`, { text: 'A person here.' }, apiKey);
      await eventually(async () => (await lockWaiters()) === 1);
      const second = await h.simulator.userSends(PHONE_NUMBER_ID, '15557771236', { type: 'text', body: 'hello again' }, { userId });
      await eventually(async () => (await lockWaiters()) === 2);
      const releasedAt = Date.now();
      await held.release();

      // A deadlock would abort one side after deadlock_timeout (1 s): the reply with an error, or
      // the message, retried 2 s later.
      expect((await reply).status).toBe(201);
      await eventually(async () => (await stored(second.wamid)) === 1);
      const [event] = await queryRows<{ processed_at: Date }>(h, sql`select processed_at from inbound_events where wamid = ${second.wamid}`);
      expect(new Date(event!.processed_at).getTime() - releasedAt).toBeLessThan(1_000);
    } finally {
      await held.release();
      await reply?.catch(() => {});
    }
  });
});
