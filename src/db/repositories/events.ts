import { and, asc, desc, eq, gt, gte, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import { events } from '../schema.js';
import { statement } from '../statement.js';
import { SETTLE_EVENT_SQL, settleEvent, type InboundEventState } from './inbox.js';
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

const settleAndInsert = statement<{ id: number | string; created_at: Date | string }>(
  'inbox_settle_with_events',
  `with settled as (${SETTLE_EVENT_SQL})
   insert into events (user_id, contact_id, type, payload)
   select r.user_id, r.contact_id, r.type, r.payload
   from jsonb_to_recordset($5::jsonb) as r(user_id text, contact_id text, type text, payload jsonb, position int)
   order by r.position
   returning id, created_at`,
);

/**
 * Settles an inbox event and stores the realtime events of its change, in one statement. Ids are
 * taken in the list's order, so the returned events come back in that order.
 */
export async function settleWithEvents(
  db: Db,
  settle: { id: number; state: InboundEventState; reason: string | null; at: Date },
  list: readonly NewRealtimeEvent[],
): Promise<RealtimeEvent[]> {
  if (list.length === 0) {
    await settleEvent(db, settle.id, settle.state, settle.reason, settle.at);
    return [];
  }
  const params = [settle.state, settle.reason, settle.at.toISOString(), settle.id];
  const rows = list.map((event, position) => ({ user_id: event.userId, contact_id: event.contactId, type: event.type, payload: event.payload, position }));
  const inserted = await settleAndInsert(db, [...params, JSON.stringify(rows)]);
  const stored = inserted.map((row) => ({ seq: Number(row.id), createdAt: new Date(row.created_at) })).sort((a, b) => a.seq - b.seq);
  return list.map((event, index) => ({ ...event, ...stored[index]! }));
}

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
