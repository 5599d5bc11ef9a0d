/**
 * One inbound message, inside the conversation's transaction: contact upsert, routing to a
 * session, the inbound Message row, and one engine step with everything it asks for.
 */
import type { Db } from '../db/client.js';
import { upsertContact, upsertContactUnderLock, type ContactRow, type UpsertedContact } from '../db/repositories/contacts.js';
import type { HeadLease, MessageRow } from '../db/repositories/messages.js';
import { LIVE_SESSION_STATUSES } from '../engine/types.js';
import type { InboundProfile, MessageRecordData } from '../whatsapp/inbound.js';
import { advanceSession, type AdvanceDeps, type PendingHttp } from './advance.js';
import type { LeasedHead } from '../db/repositories/outbox.js';
import { recordMessages, type Reply } from './outbound.js';
import { routeMessage, type SessionChange } from './route-message.js';

export interface MessageOutcome {
  reason: string | null;
  contact: ContactRow;
  inbound: MessageRow;
  outbound: MessageRow[];
  head: LeasedHead | null;
  sessionChanges: SessionChange[];
  http: PendingHttp[];
  steps: number;
}

/**
 * The conversation lock a message holds, and how to take another's (on PostgreSQL). A contact
 * may have two keys: a username-only user who later shows a phone, or the other way round. Its
 * own key, `Contact.phone`, is the one its timers, HTTP results and operators lock, so a message
 * that came under the other takes that lock too, before it writes the contact's row.
 */
export interface ContactLock {
  held: string;
  take(contactKey: string): Promise<void>;
}

/** The wamid is already stored as a Message (e.g. written by another app): nothing to do. */
export class DuplicateMessageError extends Error {
  override name = 'DuplicateMessageError';
}

export async function handleMessage(
  tx: Db,
  deps: AdvanceDeps,
  userId: string,
  data: MessageRecordData,
  now: number,
  lease: HeadLease | null,
  lockContact: ContactLock | null,
): Promise<MessageOutcome> {
  const at = new Date(data.timestamp || now);
  const { contact, live } = await resolveContact(tx, userId, data.profile, at, lockContact);
  const sessionChanges: SessionChange[] = [];
  const route = await routeMessage(tx, deps.definitions, { userId, live }, data.summary, now, sessionChanges);

  let sessionId: string | null = null;
  let reason: string | null = null;
  let replies: Reply[] = [];
  let http: PendingHttp[] = [];
  let steps = 0;
  if (route.kind === 'none') {
    reason = route.reason;
  } else if (route.kind === 'handoff') {
    sessionId = route.session.id;
    reason = 'session in handoff: an operator answers';
  } else {
    const target =
      route.kind === 'resume'
        ? ({ kind: 'existing', session: route.session, definition: route.definition } as const)
        : ({ kind: 'new', flow: route.flow, definition: route.definition } as const);
    const inbound = { message: data.summary, wamid: data.wamid };
    const input = route.kind === 'resume' ? ({ kind: 'message', ...inbound } as const) : ({ kind: 'start', ...inbound } as const);
    const advanced = await advanceSession(tx, deps, contact, target, input, now);
    ({ sessionId, replies, http, steps } = advanced);
    sessionChanges.push(...advanced.sessionChanges);
  }

  const inboundMessage = {
    waMessageId: data.wamid,
    direction: 'inbound',
    type: data.summary.type,
    content: data.summary.text,
    payload: data.raw,
    status: 'Delivered',
    sessionId,
  };
  const recipient = { userId, contactId: contact.id, phone: contact.phone };
  const { inbound, outbound, head } = await recordMessages(tx, recipient, inboundMessage, replies, lease);
  if (!inbound) throw new DuplicateMessageError(`a Message with wamid ${data.wamid} already exists`);
  return { reason, contact, inbound, outbound, head, sessionChanges, http, steps };
}

/**
 * The contact, with its live session; a contact holding the BSUID is found by it (`upsertContact`).
 * Under a lock, the contact's own key is locked first when it is not the held one.
 */
async function resolveContact(tx: Db, userId: string, profile: InboundProfile, at: Date, lock: ContactLock | null): Promise<UpsertedContact> {
  const who = { phone: profile.phone ?? profile.userId ?? '', waUserId: profile.userId, name: profile.name };
  if (lock) {
    const upserted = await upsertContactUnderLock(tx, userId, who, at, LIVE_SESSION_STATUSES, lock.held);
    if (!('ownKey' in upserted)) return upserted;
    await lock.take(upserted.ownKey);
  }
  return upsertContact(tx, userId, who, at, LIVE_SESSION_STATUSES);
}
