import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts } from '../schema.js';

export type ContactRow = typeof contacts.$inferSelect;

export interface ContactIdentity {
  /** E.164 digits, or the BSUID for username-only users (Contact.phone is required). */
  phone: string;
  waUserId: string | null;
  name: string | null;
}

/**
 * Insert or refresh the contact of an inbound message: a known name is never replaced by a
 * missing one, and the 24-hour window only moves forward.
 */
export async function upsertContact(db: Db, userId: string, who: ContactIdentity, inboundAt: Date): Promise<ContactRow> {
  const now = new Date();
  const [row] = await db
    .insert(contacts)
    .values({ id: newId(), userId, phone: who.phone, waUserId: who.waUserId, name: who.name, lastInboundAt: inboundAt })
    .onConflictDoUpdate({
      target: [contacts.userId, contacts.phone],
      set: {
        name: sql`coalesce(excluded."name", ${contacts.name})`,
        waUserId: sql`coalesce(excluded."waUserId", ${contacts.waUserId})`,
        lastInboundAt: sql`greatest(${contacts.lastInboundAt}, excluded."lastInboundAt")`,
        updatedAt: now,
      },
    })
    .returning();
  return row!;
}

/** A username-only user is found by BSUID first, so a later phone-less message keeps its contact. */
export async function findContactByWaUserId(db: Db, userId: string, waUserId: string): Promise<ContactRow | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.userId, userId), eq(contacts.waUserId, waUserId)));
  return row;
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
