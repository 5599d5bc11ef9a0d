import { and, asc, eq, gt } from 'drizzle-orm';
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
