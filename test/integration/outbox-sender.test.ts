/**
 * The outbox sender on its own, against the Cloud API simulator over real HTTP and an embedded
 * database: what it keeps in memory between drains (the wamid of a send whose write failed, the
 * slot the limiter gave a contact) is used while valid and dropped once it is not.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertContact } from '../../src/db/repositories/contacts.js';
import { insertMessages } from '../../src/db/repositories/messages.js';
import { messages, outbox, users } from '../../src/db/schema.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createLocalRateLimiter, type RateLimiter } from '../../src/outbox/rate-limit.js';
import { createOutboxSender, type OutboxSender } from '../../src/outbox/sender.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { Tenant } from '../../src/tenants/directory.js';
import { createGraphClient, type GraphClient } from '../../src/whatsapp/graph-client.js';
import { eventually } from '../support/harness.js';
import { openTempDatabase, type TempDatabase } from '../support/temp-database.js';

const PNID = '100200377';
const TOKEN = 'EAAG-sender-test';
const USER_ID = 'sender-test-user';

let temp: TempDatabase;
let simulator: Simulator;
const senders: OutboxSender[] = [];
let phones = 0;

beforeAll(async () => {
  temp = await openTempDatabase('outbox-sender');
  simulator = await startSimulator({ appSecret: 'app-secret', phoneNumbers: { [PNID]: { accessToken: TOKEN } }, statuses: [] });
  await temp.database.db.insert(users).values({ id: USER_ID, metaPhoneNumberId: PNID });
});
afterEach(async () => {
  for (const sender of senders.splice(0)) await sender.close();
});
afterAll(async () => {
  await simulator.close();
  await temp.remove();
});

const db = () => temp.database.db;
const simulatorGraph = () => createGraphClient({ baseUrl: simulator.url, apiVersion: 'v23.0', timeoutMs: 2_000 });

function startSender(options: { graph?: GraphClient; limiter?: RateLimiter; messagesPerSecond?: number } = {}): OutboxSender {
  const tenant: Tenant = {
    id: USER_ID,
    phoneNumberId: PNID,
    accessToken: TOKEN,
    sealedAccessToken: 'sealed',
    appSecret: null,
    tokenExpiredAt: null,
    messagesPerSecond: options.messagesPerSecond ?? null,
  };
  const sender = createOutboxSender({
    db: db(),
    tenants: { byId: async () => tenant, byPhoneNumberId: async () => tenant, reloadByPhoneNumberId: async () => tenant, invalidate: () => {} },
    graph: options.graph ?? simulatorGraph(),
    limiter: options.limiter ?? createLocalRateLimiter(),
    limits: { perNumberPerSecond: 80, pairIntervalMs: 6_000, pairBurst: 20 },
    log: pino({ level: 'silent' }),
    now: Date.now,
    maxAttempts: 3,
    retryBaseMs: 20,
    concurrency: 4,
    leaseMs: 10_000,
    publisher: { publish: () => {}, typing: () => {} },
    onTokenExpired: () => {},
    onEarlyStatuses: () => {},
    metrics: createMetrics({ pendingEvents: async () => 0, queuedMessages: async () => 0 }),
  });
  senders.push(sender);
  return sender;
}

/** A contact with `texts` queued for it, oldest first. */
async function queued(...texts: string[]): Promise<{ contactId: string; phone: string; messageIds: string[] }> {
  const phone = `1555944${String(++phones).padStart(4, '0')}`;
  const { contact } = await upsertContact(db(), USER_ID, { phone, waUserId: null, name: null }, new Date(), ['Active', 'Paused']);
  const rows = await insertMessages(
    db(),
    texts.map((text) => ({ contactId: contact.id, userId: USER_ID, direction: 'outbound', content: text, payload: { type: 'text', text: { body: text } } })),
  );
  return { contactId: contact.id, phone, messageIds: rows.map((row) => row.id) };
}

const messageOf = async (id: string) => (await db().select().from(messages).where(eq(messages.id, id)))[0];
const sentTo = (phone: string) => simulator.sent.filter((message) => message.to === phone);

describe('a send Meta accepted whose write failed', () => {
  beforeAll(async () => {
    // The database refuses every wamid write, as while it is unavailable.
    await db().execute(sql.raw(`create function refuse_wamids() returns trigger language plpgsql as $$
      begin raise exception 'injected: database unavailable'; end $$`));
    await db().execute(sql.raw(`create trigger refuse_wamids before update on "Message" for each row
      when (new."waMessageId" is distinct from old."waMessageId") execute function refuse_wamids()`));
  });
  afterAll(async () => {
    await db().execute(sql`drop trigger refuse_wamids on "Message"`);
    await db().execute(sql`drop function refuse_wamids()`);
  });

  const loseTheRow = {
    'another sender leases it': (messageId: string) =>
      db().update(outbox).set({ leaseOwner: 'another-sender', leaseUntil: new Date(Date.now() + 3_600_000) }).where(eq(outbox.messageId, messageId)),
    'its row is gone': (messageId: string) => db().delete(messages).where(eq(messages.id, messageId)),
  };

  it.each(Object.entries(loseTheRow))('keeps its wamid for the retry, and drops it once %s', async (_how, lose) => {
    const sender = startSender();
    const { contactId, phone, messageIds } = await queued('accepted');
    sender.schedule([contactId]);
    await eventually(() => sender.unrecordedSends() === 1);
    expect(sentTo(phone)).toHaveLength(1);
    await lose(messageIds[0]!);
    // The retry (5 s after the failed write) finds the row no longer this sender's.
    await eventually(() => sender.unrecordedSends() === 0, 10_000);
    expect(sentTo(phone)).toHaveLength(1);
  }, 20_000);
});

describe('an accepted send whose wamid the database could not store', () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    // About 10 kB that does not compress: too big for the unique index on waMessageId.
    const wamid = `wamid.${randomBytes(7_500).toString('base64')}`;
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: wamid }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('fails the message at once, saying it may have been sent, instead of retrying for ever', async () => {
    const { port } = server.address() as AddressInfo;
    const sender = startSender({ graph: createGraphClient({ baseUrl: `http://127.0.0.1:${port}`, apiVersion: 'v23.0', timeoutMs: 2_000 }) });
    const { contactId, messageIds } = await queued('long wamid');
    sender.schedule([contactId]);
    const failed = await eventually(async () => {
      const message = await messageOf(messageIds[0]!);
      return message?.status === 'Failed' ? message : null;
    });
    expect(failed.error).toMatch(/may have been sent, so it is not retried/);
    expect(await db().select().from(outbox).where(eq(outbox.contactId, contactId))).toEqual([]);
    expect(requests).toBe(1);
    expect(sender.unrecordedSends()).toBe(0);
  });
});

describe('a contact the limiter refused', () => {
  it('waits for the slot it was given: nudges meanwhile do not ask the limiter again, which would push the slot back', async () => {
    const limiter = createLocalRateLimiter();
    let asks = 0;
    const counting: RateLimiter = {
      take: (buckets) => ((asks += 1), limiter.take(buckets)),
      pause: (bucket, ms) => limiter.pause(bucket, ms),
    };
    // One message a second: the second waits for the number's next token.
    const sender = startSender({ limiter: counting, messagesPerSecond: 1 });
    const { contactId, phone } = await queued('first', 'second');
    sender.schedule([contactId]);
    await eventually(() => asks === 2);
    for (let nudge = 0; nudge < 10; nudge++) {
      sender.schedule([contactId]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(() => sentTo(phone).length === 2);
    expect(sentTo(phone).map((message) => (message.body.text as { body: string }).body)).toEqual(['first', 'second']);
    expect(asks).toBe(3);
  });
});
