import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts } from '../schema.js';
import { rowReader, selectList, statement } from '../statement.js';
import { latestLiveSessionSql, readLiveSession, type LiveSession } from './sessions.js';

export type ContactRow = typeof contacts.$inferSelect;

export interface ContactIdentity {
  /** E.164 digits, or the BSUID for username-only users (Contact.phone is required). */
  phone: string;
  waUserId: string | null;
  name: string | null;
}

const contactColumns = { prefix: 'contact.' } as const;
const readContact = rowReader(contacts, contactColumns);
/**
 * `$9`: the conversation key whose lock the caller holds, or null. With a key, the contact is
 * written only when its own key (its phone) is that one; otherwise nothing is written (no row
 * lock taken) and the row carries only `ownKey`.
 */
const upsert = statement(
  'contact_upsert',
  `with owner as (
     select "phone" from "Contact" where "userId" = $2 and "waUserId" = $4
   ), contact as (
     insert into "Contact" ("id", "userId", "phone", "waUserId", "name", "lastInboundAt")
     select $1, $2, coalesce((select "phone" from owner), $3), $4, $5, $6
     where $9::text is null or coalesce((select "phone" from owner), $3) = $9
     on conflict ("userId", "phone") do update set
       "name" = coalesce(excluded."name", "Contact"."name"),
       "waUserId" = coalesce(excluded."waUserId", "Contact"."waUserId"),
       "lastInboundAt" = greatest("Contact"."lastInboundAt", excluded."lastInboundAt"),
       "updatedAt" = $7
     returning ${selectList(contacts, contactColumns)}
   )
   select coalesce((select "phone" from owner), $3) as "ownKey", contact.*, live.*
   from (select 1) as one
   left join contact on true
   left join lateral (${latestLiveSessionSql('contact."contact.id"', '$8')}) live on true`,
);

export interface UpsertedContact {
  contact: ContactRow;
  live: LiveSession | undefined;
}

async function runUpsert(
  db: Db,
  userId: string,
  who: ContactIdentity,
  inboundAt: Date,
  liveStatuses: readonly string[],
  heldKey: string | null,
): Promise<UpsertedContact | { ownKey: string }> {
  const now = new Date().toISOString();
  const [row] = await upsert(db, [newId(), userId, who.phone, who.waUserId, who.name, inboundAt.toISOString(), now, [...liveStatuses], heldKey]);
  if (row!['contact.id'] === null) return { ownKey: String(row!.ownKey) };
  return { contact: readContact(row!), live: readLiveSession(row!) };
}

/**
 * Insert or refresh the contact of an inbound message — a known name is never replaced by a
 * missing one, and the 24-hour window only moves forward — and read its most recently active
 * session among `liveStatuses`, in one statement. A contact already holding the BSUID is the
 * one refreshed, whatever phone the message names: a username-only user who later shows a phone
 * stays one contact (inserting the phone's row beside it broke the BSUID's unique index, and
 * every message of that person failed), and a phone-less message finds its contact by BSUID.
 */
export async function upsertContact(
  db: Db,
  userId: string,
  who: ContactIdentity,
  inboundAt: Date,
  liveStatuses: readonly string[],
): Promise<UpsertedContact> {
  const upserted = await runUpsert(db, userId, who, inboundAt, liveStatuses, null);
  if ('ownKey' in upserted) throw new Error('contact upsert without a held key wrote nothing');
  return upserted;
}

/**
 * `upsertContact` for a caller holding the conversation lock of `heldKey`: when the contact's own
 * key (`Contact.phone`) is another one, nothing is written and that key comes back, for the
 * caller to lock before calling `upsertContact`. Conversation locks before the contact's row,
 * the order every other writer takes them in (an operator, a timer); the other way round, two
 * transactions could each hold what the other waits for. Still one statement for a message that
 * came under the contact's own key, which is nearly every message.
 */
export async function upsertContactUnderLock(
  db: Db,
  userId: string,
  who: ContactIdentity,
  inboundAt: Date,
  liveStatuses: readonly string[],
  heldKey: string,
): Promise<UpsertedContact | { ownKey: string }> {
  return runUpsert(db, userId, who, inboundAt, liveStatuses, heldKey);
}

export async function findContact(db: Db, userId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.userId, userId)));
  return row;
}

/** Most recently updated first; the id orders contacts updated in the same millisecond, so offset pages neither repeat nor skip them. */
export async function listContacts(db: Db, userId: string, limit: number, offset: number): Promise<ContactRow[]> {
  return db
    .select()
    .from(contacts)
    .where(eq(contacts.userId, userId))
    .orderBy(desc(contacts.updatedAt), desc(contacts.id))
    .limit(limit)
    .offset(offset);
}
