/**
 * Set-based SQL for delivery statuses: they are applied in batches — a read and a write for
 * hundreds of statuses — because each outbound message brings several of them.
 */
import type { Db } from '../client.js';
import { statement } from '../statement.js';
import type { NewRealtimeEvent, RealtimeEvent } from '../../realtime/events.js';
import type { InboundEventState } from './inbox.js';


/** A pending status with the message it is about, when that message is known. */
export interface PendingStatus {
  id: number;
  phoneNumberId: string | null;
  payload: unknown;
  message: { id: string; status: string; userId: string; contactId: string; phoneNumberId: string | null } | null;
}

const selectPendingStatuses = statement<{
  id: number | string;
  phoneNumberId: string | null;
  payload: unknown;
  messageId: string | null;
  status: string | null;
  userId: string | null;
  contactId: string | null;
  messagePhoneNumberId: string | null;
}>(
  'status_claim_pending',
  `select e.id, e.phone_number_id as "phoneNumberId", e.payload,
     m.id as "messageId", m.status, m."userId", m."contactId", u."metaPhoneNumberId" as "messagePhoneNumberId"
   from (
     select id, phone_number_id, payload, wamid, occurred_at from inbound_events
     where kind = 'status' and state = 'pending'
     order by occurred_at, id
     limit $1
     for update skip locked
   ) e
   left join "Message" m on m."waMessageId" = e.wamid
   left join "User" u on u.id = m."userId"
   order by e.occurred_at, e.id`,
);

/** The oldest pending statuses, each with its message; rows another process is claiming are skipped. */
export async function claimPendingStatuses(db: Db, limit: number): Promise<PendingStatus[]> {
  const rows = await selectPendingStatuses(db, [limit]);
  return rows.map((row) => ({
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
const SETTLE_BATCH = `update inbound_events e set state = v.state, reason = v.reason, processed_at = $1
  from jsonb_to_recordset($2::jsonb) as v(id bigint, state text, reason text) where e.id = v.id`;
const settleBatch = statement('status_settle', SETTLE_BATCH);
const settleAndUpdate = statement<{ id: number | string; created_at: Date | string; payload: Record<string, unknown> }>(
  'status_settle_and_update',
  `with settled as (${SETTLE_BATCH}),
   changed as (
     update "Message" m set status = v.status, error = v.error, "statusUpdatedAt" = $1
     from jsonb_to_recordset($3::jsonb) as v(id text, status text, error text, allowed text[], payload jsonb, position int)
     where m.id = v.id and m.status = any(v.allowed)
     returning m."userId", m."contactId", v.payload, v.position
   )
   insert into events (user_id, contact_id, type, payload)
   select "userId", "contactId", 'message:status', payload from changed order by position
   returning id, created_at, payload`,
);

export async function writeStatusBatch(db: Db, updates: readonly StatusUpdate[], settled: readonly SettledEvent[], at: Date): Promise<RealtimeEvent[]> {
  if (settled.length === 0) return [];
  const params = [at.toISOString(), JSON.stringify(settled)];
  if (updates.length === 0) {
    await settleBatch(db, params);
    return [];
  }
  const changes = updates.map((update, position) => ({ id: update.id, status: update.status, error: update.error, allowed: update.from, payload: update.event.payload, position }));
  const rows = await settleAndUpdate(db, [...params, JSON.stringify(changes)]);
  const byMessage = new Map(updates.map((update) => [update.id, update.event]));
  return rows
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
 * statuses of messages sent by other apps on the same number stay unmatched for good, and so do
 * statuses naming a message of another number: a batch would set them aside again, and the two
 * would pass them back and forth for ever.
 */
const rematch = statement<{ id: number | string }>(
  'status_rematch',
  `update inbound_events e set state = 'pending', reason = null
   where e.state = 'unmatched' and e.received_at > $1
     and exists (
       select 1 from "Message" m join "User" u on u.id = m."userId"
       where m."waMessageId" = e.wamid and u."metaPhoneNumberId" = e.phone_number_id
     )
   returning e.id`,
);

export async function rematchStatuses(db: Db, since: Date): Promise<number> {
  return (await rematch(db, [since.toISOString()])).length;
}
