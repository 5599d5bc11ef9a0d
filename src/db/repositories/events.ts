import { and, asc, desc, eq, gt, gte, lte, sql } from 'drizzle-orm';
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

/**
 * Settles an inbox event and stores the realtime events of its change, in one statement. Ids are
 * taken in the list's order, so the returned events come back in that order.
 */
export async function settleWithEvents(
  db: Db,
  settle: { id: number; state: string; reason: string | null; at: Date },
  list: readonly NewRealtimeEvent[],
): Promise<RealtimeEvent[]> {
  const update = sql`update inbound_events set state = ${settle.state}, reason = ${settle.reason}, processed_at = ${settle.at} where id = ${settle.id}`;
  if (list.length === 0) {
    await db.execute(update);
    return [];
  }
  const values = sql.join(
    list.map((event, index) => sql`(${event.userId}, ${event.contactId}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, ${index}::int)`),
    sql`, `,
  );
  const result = (await db.execute(sql`
    with settled as (${update})
    insert into events (user_id, contact_id, type, payload)
    select v.user_id, v.contact_id, v.type, v.payload from (values ${values}) as v(user_id, contact_id, type, payload, position)
    order by v.position
    returning id, created_at`)) as unknown as { rows: Array<{ id: number | string; created_at: Date | string }> };
  const stored = result.rows.map((row) => ({ seq: Number(row.id), createdAt: new Date(row.created_at) })).sort((a, b) => a.seq - b.seq);
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
