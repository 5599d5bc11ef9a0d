/**
 * Set-based SQL for delivery statuses: they are applied in batches — a read and a write for
 * hundreds of statuses — because each outbound message brings several of them.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import type { NewRealtimeEvent, RealtimeEvent } from '../../realtime/events.js';
import type { InboundEventState } from './inbox.js';

type Rows<T> = { rows: T[] };

/** A pending status with the message it is about, when that message is known. */
export interface PendingStatus {
  id: number;
  phoneNumberId: string | null;
  payload: unknown;
  message: { id: string; status: string; userId: string; contactId: string; phoneNumberId: string | null } | null;
}

/** The oldest pending statuses, each with its message; rows another process is claiming are skipped. */
export async function claimPendingStatuses(db: Db, limit: number): Promise<PendingStatus[]> {
  const result = (await db.execute(sql`
    select e.id, e.phone_number_id as "phoneNumberId", e.payload,
      m.id as "messageId", m.status, m."userId", m."contactId", u."metaPhoneNumberId" as "messagePhoneNumberId"
    from (
      select id, phone_number_id, payload, wamid, occurred_at from inbound_events
      where kind = 'status' and state = 'pending'
      order by occurred_at, id
      limit ${limit}
      for update skip locked
    ) e
    left join "Message" m on m."waMessageId" = e.wamid
    left join "User" u on u.id = m."userId"
    order by e.occurred_at, e.id`)) as unknown as Rows<{
    id: number | string;
    phoneNumberId: string | null;
    payload: unknown;
    messageId: string | null;
    status: string | null;
    userId: string | null;
    contactId: string | null;
    messagePhoneNumberId: string | null;
  }>;
  return result.rows.map((row) => ({
    id: Number(row.id),
    phoneNumberId: row.phoneNumberId,
    payload: row.payload,
    message:
      row.messageId === null
        ? null
        : { id: row.messageId, status: row.status ?? '', userId: row.userId ?? '', contactId: row.contactId ?? '', phoneNumberId: row.messagePhoneNumberId },
  }));
}

export interface StatusUpdate {
  id: string;
  status: string;
  error: string | null;
  /** Applied only if the message is still in one of these: a concurrent batch cannot be undone. */
  from: readonly string[];
  /** Its realtime event, stored only if the update applies. */
  event: NewRealtimeEvent;
}

export interface SettledEvent {
  id: number;
  state: InboundEventState;
  reason: string | null;
}

/**
 * One statement: the message updates (forward only, guarded), the settled inbox events and the
 * realtime events of the updates that applied. Returns those events.
 */
export async function writeStatusBatch(db: Db, updates: readonly StatusUpdate[], settled: readonly SettledEvent[], at: Date): Promise<RealtimeEvent[]> {
  if (settled.length === 0) return [];
  const settledValues = sql.join(
    settled.map((event) => sql`(${event.id}::bigint, ${event.state}, ${event.reason}::text)`),
    sql`, `,
  );
  const settle = sql`update inbound_events e set state = v.state, reason = v.reason, processed_at = ${at}
    from (values ${settledValues}) as v(id, state, reason) where e.id = v.id`;
  if (updates.length === 0) {
    await db.execute(settle);
    return [];
  }
  const updateValues = sql.join(
    updates.map(
      (update, index) =>
        sql`(${update.id}, ${update.status}, ${update.error}::text, ${sql.param([...update.from])}::text[], ${JSON.stringify(update.event.payload)}::jsonb, ${index}::int)`,
    ),
    sql`, `,
  );
  const result = (await db.execute(sql`
    with settled as (${settle}),
    changed as (
      update "Message" m set status = v.status, error = v.error, "statusUpdatedAt" = ${at}
      from (values ${updateValues}) as v(id, status, error, allowed, payload, position)
      where m.id = v.id and m.status = any(v.allowed)
      returning m."userId", m."contactId", v.payload, v.position
    )
    insert into events (user_id, contact_id, type, payload)
    select "userId", "contactId", 'message:status', payload from changed order by position
    returning id, created_at, payload`)) as unknown as Rows<{ id: number | string; created_at: Date | string; payload: Record<string, unknown> }>;
  const byMessage = new Map(updates.map((update) => [update.id, update.event]));
  return result.rows
    .map((row) => {
      const event = byMessage.get(String(row.payload.messageId))!;
      return { ...event, seq: Number(row.id), createdAt: new Date(row.created_at) };
    })
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Statuses left `unmatched` whose message has its wamid by now go back to pending. This closes
 * the race between a status batch and the sender recording the wamid without locks: whichever
 * commits last, the next batch (or the sweep) finds the pair. Only recent ones are looked at:
 * statuses of messages sent by other apps on the same number stay unmatched for good.
 */
export async function rematchStatuses(db: Db, since: Date): Promise<number> {
  const result = (await db.execute(sql`
    update inbound_events e set state = 'pending', reason = null
    where e.state = 'unmatched' and e.received_at > ${since}
      and exists (select 1 from "Message" m where m."waMessageId" = e.wamid)
    returning e.id`)) as unknown as Rows<{ id: number }>;
  return result.rows.length;
}
