/**
 * One inbound message, inside the conversation's transaction: contact upsert, routing to a
 * session, the inbound Message row, and one engine step with everything it asks for.
 */
import type { Db } from '../db/client.js';
import { upsertContact, type ContactRow } from '../db/repositories/contacts.js';
import type { HeadLease, MessageRow } from '../db/repositories/messages.js';
import type { LiveSession } from '../db/repositories/sessions.js';
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
 * Takes the lock of the contact's own conversation key (`Contact.phone`, which timers, HTTP
 * results and operators lock) when it is not the key the event came under: a username-only user
 * who later shows a phone, or the other way round, writes under one key while the contact's
 * other work runs under the other. Resolves whether it took one.
 */
export type ContactLock = (contactKey: string) => Promise<boolean>;

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
  let { contact, live } = await resolveContact(tx, userId, data.profile, at);
  // Locked under the contact's key too, its live session is read again under that lock.
  if (lockContact && (await lockContact(contact.phone))) ({ contact, live } = await resolveContact(tx, userId, data.profile, at));
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

/** The contact, with its live session; a contact holding the BSUID is found by it (`upsertContact`). */
async function resolveContact(tx: Db, userId: string, profile: InboundProfile, at: Date): Promise<{ contact: ContactRow; live: LiveSession | undefined }> {
  const phone = profile.phone ?? profile.userId ?? '';
  return upsertContact(tx, userId, { phone, waUserId: profile.userId, name: profile.name }, at, LIVE_SESSION_STATUSES);
}
