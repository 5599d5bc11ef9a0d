import { and, asc, desc, eq, gt, gte, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { events } from '../schema.js';
import type { NewRealtimeEvent, RealtimeEvent, StoredEventType } from '../../realtime/events.js';

type EventRow = typeof events.$inferSelect;

const toEvent = (row: EventRow): RealtimeEvent => ({
  seq: row.id,
  userId: row.userId,
  contactId: row.contactId ?? '',
  type: row.type as StoredEventType,
  payload: row.payload as Record<string, unknown>,
  createdAt: row.createdAt,
});

export async function recordEvents(db: Db, list: readonly NewRealtimeEvent[]): Promise<RealtimeEvent[]> {
  if (list.length === 0) return [];
  const rows = await db.insert(events).values(list.map((event) => ({ ...event }))).returning();
  return rows.map(toEvent);
}

/** A user's events after `afterSeq`, oldest first (replay after a reconnect). */
export async function eventsSince(db: Db, userId: string, afterSeq: number, limit: number): Promise<RealtimeEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.userId, userId), gt(events.id, afterSeq)))
    .orderBy(asc(events.id))
    .limit(limit);
  return rows.map(toEvent);
}

/**
 * A user's events at or before `upToSeq` created within `windowMs` before that event, oldest
 * first. Sequence numbers are taken at insert, not at commit, so an event can be published just
 * after one with a higher number: a replay repeats this short stretch to catch such events.
 * Reads at most `limit` rows back from `upToSeq`.
 */
export async function eventsJustBefore(db: Db, userId: string, upToSeq: number, windowMs: number, limit: number): Promise<RealtimeEvent[]> {
  const [anchor] = await db
    .select({ createdAt: events.createdAt })
    .from(events)
    .where(and(eq(events.id, upToSeq), eq(events.userId, userId)));
  if (!anchor) return [];
  const latest = db
    .select()
    .from(events)
    .where(and(eq(events.userId, userId), lte(events.id, upToSeq)))
    .orderBy(desc(events.id))
    .limit(limit)
    .as('latest');
  const rows = await db
    .select()
    .from(latest)
    .where(gte(latest.createdAt, new Date(anchor.createdAt.getTime() - windowMs)))
    .orderBy(asc(latest.id));
  return rows.map(toEvent);
}
