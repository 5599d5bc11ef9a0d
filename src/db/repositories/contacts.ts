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
const upsert = statement(
  'contact_upsert',
  `with contact as (
     insert into "Contact" ("id", "userId", "phone", "waUserId", "name", "lastInboundAt")
     values ($1, $2, coalesce((select "phone" from "Contact" where "userId" = $2 and "waUserId" = $4), $3), $4, $5, $6)
     on conflict ("userId", "phone") do update set
       "name" = coalesce(excluded."name", "Contact"."name"),
       "waUserId" = coalesce(excluded."waUserId", "Contact"."waUserId"),
       "lastInboundAt" = greatest("Contact"."lastInboundAt", excluded."lastInboundAt"),
       "updatedAt" = $7
     returning ${selectList(contacts, contactColumns)}
   )
   select contact.*, live.* from contact left join lateral (${latestLiveSessionSql('contact."contact.id"', '$8')}) live on true`,
);

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
): Promise<{ contact: ContactRow; live: LiveSession | undefined }> {
  const now = new Date().toISOString();
  const [row] = await upsert(db, [newId(), userId, who.phone, who.waUserId, who.name, inboundAt.toISOString(), now, [...liveStatuses]]);
  return { contact: readContact(row!), live: readLiveSession(row!) };
}

export async function findContact(db: Db, userId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.userId, userId)));
  return row;
}

export async function listContacts(db: Db, userId: string, limit: number, offset: number): Promise<ContactRow[]> {
  return db
    .select()
    .from(contacts)
    .where(eq(contacts.userId, userId))
    .orderBy(desc(contacts.updatedAt))
    .limit(limit)
    .offset(offset);
}
