/**
 * Database schema. `User`, `Contact`, `Flow`, `Session` and `Message` keep the table and column
 * shapes of the flow-builder app's Prisma schema (PascalCase tables, camelCase columns, text ids,
 * timestamp(3)), so that app can share the database; columns we add are nullable or defaulted.
 * Tables of our own use snake_case.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const prismaTime = (name: string) => timestamp(name, { precision: 3, mode: 'date' });
const createdAt = () => prismaTime('createdAt').notNull().defaultNow();
const updatedAt = () => prismaTime('updatedAt').notNull().defaultNow();
const ourTime = (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: 'date' });

export const users = pgTable(
  'User',
  {
  id: text('id').primaryKey(),
  email: text('email'),
  name: text('name'),
  metaPhoneNumberId: text('metaPhoneNumberId'),
  /** AES-256-GCM ciphertext (see security/encryption.ts), never the plain token. */
  metaAccessToken: text('metaAccessToken'),
  /** Per-tenant app secret override, encrypted like the token. */
  appSecret: text('appSecret'),
  /** Set when Meta answered 190: sends pause until the token is replaced. */
  tokenExpiredAt: prismaTime('tokenExpiredAt'),
  /** Send throughput of this number (Meta's tier); null uses SEND_RATE_PER_NUMBER. */
  messagesPerSecond: integer('messagesPerSecond'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('User_email_key').on(t.email),
    uniqueIndex('User_metaPhoneNumberId_key').on(t.metaPhoneNumberId),
  ],
);

export const contacts = pgTable(
  'Contact',
  {
    id: text('id').primaryKey(),
    phone: text('phone').notNull(),
    name: text('name'),
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    /** Business-scoped user id (BSUID) when Meta sends one. */
    waUserId: text('waUserId'),
    /** Last inbound message time: the 24-hour customer service window starts here. */
    lastInboundAt: prismaTime('lastInboundAt'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('Contact_userId_phone_key').on(t.userId, t.phone),
    uniqueIndex('Contact_userId_waUserId_key').on(t.userId, t.waUserId).where(sql`"waUserId" IS NOT NULL`),
    // The operator console lists a user's conversations, latest activity first.
    index('Contact_userId_updatedAt_idx').on(t.userId, t.updatedAt),
  ],
);

export const flows = pgTable(
  'Flow',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    trigger: text('trigger').notNull(),
    status: text('status').notNull().default('Draft'),
    definition: jsonb('definition').notNull(),
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('Flow_userId_status_idx').on(t.userId, t.status)],
);

/** Every saved version of a flow, so a session finishes on the version it started with. */
export const flowVersions = pgTable(
  'flow_versions',
  {
    flowId: text('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    createdAt: ourTime('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.version] })],
);

export const sessions = pgTable(
  'Session',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull().default('Active'),
    currentNodeId: text('currentNodeId'),
    context: jsonb('context'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    contactId: text('contactId')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    flowId: text('flowId')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    flowVersion: integer('flowVersion'),
    /** When the pending wait times out or the pending delay ends. */
    nextTimerAt: prismaTime('nextTimerAt'),
  },
  (t) => [
    uniqueIndex('Session_contactId_flowId_key').on(t.contactId, t.flowId),
    index('Session_nextTimerAt_idx').on(t.nextTimerAt).where(sql`"nextTimerAt" IS NOT NULL`),
  ],
);

export const messages = pgTable(
  'Message',
  {
    id: text('id').primaryKey(),
    waMessageId: text('waMessageId'),
    direction: text('direction').notNull(),
    type: text('type').notNull().default('text'),
    content: text('content'),
    payload: jsonb('payload'),
    status: text('status').notNull().default('Pending'),
    error: text('error'),
    statusUpdatedAt: prismaTime('statusUpdatedAt'),
    createdAt: createdAt(),
    contactId: text('contactId')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    sessionId: text('sessionId').references(() => sessions.id, { onDelete: 'set null', onUpdate: 'cascade' }),
  },
  (t) => [
    uniqueIndex('Message_waMessageId_key').on(t.waMessageId),
    index('Message_contactId_createdAt_idx').on(t.contactId, t.createdAt),
  ],
);

/**
 * The durable inbox: every webhook record, stored before the webhook is answered 200.
 * `dedupe_key` is the atomic dedupe (a redelivered wamid conflicts and is dropped).
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    kind: text('kind').notNull(),
    phoneNumberId: text('phone_number_id'),
    contactKey: text('contact_key'),
    wamid: text('wamid'),
    occurredAt: ourTime('occurred_at'),
    payload: jsonb('payload').notNull(),
    state: text('state').notNull(),
    reason: text('reason'),
    receivedAt: ourTime('received_at').notNull().defaultNow(),
    processedAt: ourTime('processed_at'),
  },
  (t) => [
    index('inbound_events_pending_idx')
      .on(t.phoneNumberId, t.contactKey, t.occurredAt, t.id)
      .where(sql`state = 'pending'`),
    index('inbound_events_unmatched_idx').on(t.wamid).where(sql`state = 'unmatched'`),
  ],
);

/** Outbound messages waiting to be sent; a row lives only until its message is Sent or Failed. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id')
      .notNull()
      .unique()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    contactId: text('contact_id').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ourTime('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    /** A sender holds the contact's head until then; after a crash another sender takes over. */
    leaseUntil: ourTime('lease_until'),
    leaseOwner: text('lease_owner'),
    createdAt: ourTime('created_at').notNull().defaultNow(),
  },
  (t) => [index('outbox_contact_idx').on(t.contactId, t.id)],
);

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** sha256 of the key; the key itself is shown once, at creation. */
  keyHash: text('key_hash').notNull().unique(),
  name: text('name').notNull().default('default'),
  active: boolean('active').notNull().default(true),
  createdAt: ourTime('created_at').notNull().defaultNow(),
});

/**
 * The realtime log: every change an operator console shows, written in the same transaction as
 * the change, then fanned out. `id` is the event's sequence number: increasing, so a client that
 * reconnects asks for what came after the last one it saw.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id').notNull(),
    contactId: text('contact_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: ourTime('created_at').notNull().defaultNow(),
  },
  (t) => [index('events_user_id_idx').on(t.userId, t.id)],
);

/**
 * How far operators have read each conversation: inbound messages created after `read_up_to`
 * are unread. Same column type as `Message.createdAt`, so the two compare without conversion.
 */
export const conversationReads = pgTable('conversation_reads', {
  contactId: text('contact_id')
    .primaryKey()
    .references(() => contacts.id, { onDelete: 'cascade' }),
  readUpTo: prismaTime('read_up_to').notNull(),
});

/** Values flows' HTTP requests use as `{{secrets.NAME}}` (API keys…), sealed like access tokens. */
export const tenantSecrets = pgTable(
  'tenant_secrets',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    value: text('value').notNull(),
    updatedAt: ourTime('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.name] })],
);

/** Values the service keeps about itself (e.g. the encryption key check, `security/key-check.ts`). */
export const serviceSettings = pgTable('service_settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});
