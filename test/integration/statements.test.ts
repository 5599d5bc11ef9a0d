/**
 * The hot path's hand-written statements must read and write exactly what drizzle's builders
 * do, on both databases: same defaults, same Dates, same jsonb, same order, same dedupe.
 */
import { rmSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { upsertContact } from '../../src/db/repositories/contacts.js';
import { insertInboundEvents, nextPendingEvents } from '../../src/db/repositories/inbox.js';
import { insertMessages, insertMessagesLeasing } from '../../src/db/repositories/messages.js';
import { claimHead, deferOutbox } from '../../src/db/repositories/outbox.js';
import { rematchStatuses } from '../../src/db/repositories/statuses.js';
import { startSession } from '../../src/db/repositories/sessions.js';
import { contacts, flows, inboundEvents, messages, outbox, sessions, users } from '../../src/db/schema.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/services.js';
import { freshDataDir } from '../support/data-dir.js';

/** Text that JSON, SQL and PostgreSQL arrays each escape differently. */
const AWKWARD = 'quote " backslash \\ comma , brace { } apostrophe \' emoji 🎉 accents ñé';

const targets = [
  { name: 'embedded', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

describe.each(targets)('hot-path statements on $name', ({ name, available }) => {
  let database: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    if (!available) return;
    const dataDir = freshDataDir('statements');
    let server: TestDatabase | null = null;
    if (name === 'postgres') server = await createTestDatabase();
    database = await openDatabase(server ? { kind: 'postgres', url: server.url, poolSize: 2 } : { kind: 'embedded', dataDir });
    dispose = async () => {
      await database.close();
      await server?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    await database.db.insert(users).values({ id: 'u1', metaPhoneNumberId: '100' });
    await database.db.insert(flows).values({ id: 'f1', name: 'F', trigger: 'hi', status: 'Active', definition: {}, userId: 'u1' });
  });
  afterAll(async () => {
    if (available) await dispose();
  });

  const LIVE = ['Active', 'Paused'];
  const contactOf = async (phone: string) => (await upsertContact(database.db, 'u1', { phone, waUserId: null, name: null }, new Date(), LIVE)).contact;

  it.skipIf(!available)('upserts a contact: the row returned is the row stored, a missing name keeps the known one', async () => {
    const { db } = database;
    const { contact: first, live } = await upsertContact(db, 'u1', { phone: '4915', waUserId: null, name: AWKWARD }, new Date('2026-01-02T03:04:05.678Z'), LIVE);
    expect(live).toBeUndefined();
    const { contact: again } = await upsertContact(db, 'u1', { phone: '4915', waUserId: 'bsuid', name: null }, new Date('2026-01-01T00:00:00.000Z'), LIVE);
    const [stored] = await db.select().from(contacts).where(eq(contacts.id, first.id));
    expect(again).toEqual(stored);
    expect(again).toMatchObject({ id: first.id, name: AWKWARD, waUserId: 'bsuid', lastInboundAt: new Date('2026-01-02T03:04:05.678Z') });
    expect(again.createdAt).toBeInstanceOf(Date);
  });

  it.skipIf(!available)('inserts messages with the columns\u2019 defaults, in order, and skips a stored wamid', async () => {
    const { db } = database;
    const contact = await contactOf('4916');
    const payload = { text: { body: AWKWARD }, nested: [1, { deep: null }] };
    const base = { contactId: contact.id, userId: 'u1', direction: 'outbound' };
    const rows = await insertMessages(db, [
      { ...base, direction: 'inbound', waMessageId: 'wamid.A', content: AWKWARD, payload, status: 'Received' },
      { ...base, content: 'second' },
      { ...base, content: 'third', type: 'interactive' },
    ]);
    const stored = await db.select().from(messages).where(eq(messages.contactId, contact.id)).orderBy(asc(messages.createdAt));
    expect(rows).toEqual(stored);
    expect(rows.map((row) => [row.content, row.type, row.status])).toEqual([
      [AWKWARD, 'text', 'Received'],
      ['second', 'text', 'Pending'],
      ['third', 'interactive', 'Pending'],
    ]);
    expect(rows[0]!.payload).toEqual(payload);
    // The outbound rows are queued for sending, in order, by the same statement; the inbound one is not.
    const queued = await db.select({ messageId: outbox.messageId, contactId: outbox.contactId }).from(outbox).where(eq(outbox.contactId, contact.id)).orderBy(asc(outbox.id));
    expect(queued).toEqual(rows.slice(1).map((row) => ({ messageId: row.id, contactId: contact.id })));
    const duplicate = await insertMessages(db, [{ ...base, direction: 'inbound', waMessageId: 'wamid.A', content: 'again' }]);
    expect(duplicate).toEqual([]);
  });

  it.skipIf(!available)('starts, restarts, and reads a live session with its flow along with the contact, as drizzle reads them', async () => {
    const { db } = database;
    const contact = await contactOf('4917');
    const timer = new Date('2030-05-06T07:08:09.010Z');
    const started = await startSession(db, contact.id, 'f1', 3, { status: 'Paused', currentNodeId: 'ask', context: { vars: { q: AWKWARD } }, nextTimerAt: timer });
    const restarted = await startSession(db, contact.id, 'f1', 4, { status: 'Active', currentNodeId: null, context: null, nextTimerAt: null });
    expect(restarted.id).toBe(started.id);
    const [stored] = await db.select().from(sessions).where(eq(sessions.id, started.id));
    expect(restarted).toEqual(stored);
    expect(restarted).toMatchObject({ flowVersion: 4, context: null, nextTimerAt: null });
    expect(started).toMatchObject({ context: { vars: { q: AWKWARD } }, nextTimerAt: timer });

    const [flow] = await db.select({ id: flows.id, trigger: flows.trigger, version: flows.version, updatedAt: flows.updatedAt }).from(flows);
    const liveOf = async (statuses: string[]) => (await upsertContact(db, 'u1', { phone: '4917', waUserId: null, name: null }, new Date(), statuses)).live;
    expect(await liveOf(LIVE)).toEqual({ session: stored, flow });
    expect(await liveOf(['Waiting'])).toBeUndefined();
  });

  it.skipIf(!available)('stores inbox events once, in the order given, and reads them back as stored', async () => {
    const { db } = database;
    const at = new Date('2026-03-04T05:06:07.089Z');
    const event = (key: string) => ({ dedupeKey: key, kind: 'message', phoneNumberId: '100', contactKey: '4918', wamid: key, occurredAt: at, payload: { key, body: AWKWARD }, state: 'pending' });
    const keys = ['k3', 'k1', 'k2'].map((key) => `${name}-${key}`);
    expect(await insertInboundEvents(db, keys.map(event))).toEqual(new Set(keys));
    expect(await insertInboundEvents(db, [event(keys[0]!), event(`${name}-k4`)])).toEqual(new Set([`${name}-k4`]));
    const pending = await nextPendingEvents(db, '100', '4918', 10);
    const stored = await db.select().from(inboundEvents).where(eq(inboundEvents.contactKey, '4918')).orderBy(asc(inboundEvents.id));
    expect(pending).toEqual(stored);
    expect(pending.map((row) => row.dedupeKey)).toEqual([...keys, `${name}-k4`]);
    expect(pending[0]).toMatchObject({ occurredAt: at, payload: { body: AWKWARD }, reason: null, processedAt: null });
  });

  it.skipIf(!available)('rematches an unmatched status only with a message of the number it came for', async () => {
    const { db } = database;
    const contact = await contactOf('4921');
    await insertMessages(db, [{ contactId: contact.id, userId: 'u1', direction: 'outbound', waMessageId: `${name}-known`, content: '', status: 'Sent' }]);
    const unmatched = (key: string, phoneNumberId: string) => ({
      dedupeKey: `${name}-${key}`, kind: 'status', phoneNumberId, contactKey: '4921', wamid: `${name}-known`, occurredAt: new Date(), payload: {}, state: 'unmatched',
    });
    // The status batch sets a status naming another number's message aside as unmatched: were it
    // rematched, the two would hand it back and forth without end.
    await insertInboundEvents(db, [unmatched('other-number', '999'), unmatched('own-number', '100')]);
    expect(await rematchStatuses(db, new Date(0))).toBe(1);
    const states = await db.select({ key: inboundEvents.dedupeKey, state: inboundEvents.state }).from(inboundEvents).where(eq(inboundEvents.contactKey, '4921')).orderBy(asc(inboundEvents.id));
    expect(states).toEqual([
      { key: `${name}-other-number`, state: 'unmatched' },
      { key: `${name}-own-number`, state: 'pending' },
    ]);
  });

  it.skipIf(!available)('tells a retry waiting for its due time from a head another sender holds', async () => {
    const { db } = database;
    const contact = await contactOf('4922');
    await insertMessages(db, [{ contactId: contact.id, userId: 'u1', direction: 'outbound', content: 'queued' }]);
    const now = new Date('2026-03-06T00:00:00.000Z');
    const [queued] = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.contactId, contact.id));
    const due = new Date(now.getTime() + 60_000);
    await deferOutbox(db, queued!.id, 1, due, 'HTTP 500');
    expect(await claimHead(db, contact.id, 'me', now, new Date(now.getTime() + 30_000))).toEqual({ kind: 'wait', until: due, leased: false });

    const later = new Date(due.getTime() + 1);
    const leaseEnd = new Date(later.getTime() + 30_000);
    expect((await claimHead(db, contact.id, 'other', later, leaseEnd)).kind).toBe('claimed');
    expect(await claimHead(db, contact.id, 'me', later, new Date(later.getTime() + 30_000))).toEqual({ kind: 'wait', until: leaseEnd, leased: true });
  });

  it.skipIf(!available)('leases the head of a contact\'s queue as it is queued, only when nothing was queued before it', async () => {
    const { db } = database;
    const contact = await contactOf('4923');
    const reply = (content: string) => ({ contactId: contact.id, userId: 'u1', direction: 'outbound', content });
    const until = new Date('2030-01-01T00:00:00.000Z');
    const first = await insertMessagesLeasing(db, [reply('a'), reply('b')], { owner: 'me:handed', until });
    const second = await insertMessagesLeasing(db, [reply('c')], { owner: 'me:handed', until });
    const queued = await db
      .select({ id: outbox.id, messageId: outbox.messageId, owner: outbox.leaseOwner, until: outbox.leaseUntil })
      .from(outbox)
      .where(eq(outbox.contactId, contact.id))
      .orderBy(asc(outbox.id));
    expect(queued.map((row) => [row.messageId, row.owner, row.until])).toEqual([
      [first.rows[0]!.id, 'me:handed', until],
      [first.rows[1]!.id, null, null],
      [second.rows[0]!.id, null, null],
    ]);
    expect(first.leased).toEqual({ message: first.rows[0], outboxId: queued[0]!.id });
    expect(second.leased).toBeNull();
    // Without a lease nothing is leased, even for a contact with nothing queued.
    const other = await contactOf('4924');
    expect((await insertMessagesLeasing(db, [{ ...reply('d'), contactId: other.id }], null)).leased).toBeNull();
    // The sender's own claims do not take a head handed to it (its lease names another owner).
    expect(await claimHead(db, contact.id, 'me', new Date('2029-12-31T00:00:00.000Z'), until)).toMatchObject({ kind: 'wait', leased: true });
  });
});
