/**
 * Events a session makes for itself, stored in the inbox so they go through the same ordered,
 * locked, exactly-once path as messages: a timer that fired (a delay ended, a wait timed out) and
 * the result of an HTTP request a flow made. Both go to the contact's own conversation
 * (`Contact.phone`), the key its operators lock, whatever key its messages come under.
 *
 * An HTTP result that comes while an operator holds the conversation (`Handoff`) is `held`, not
 * spent: the engine would ignore it, and after the release the node would leave by `error`
 * although the request succeeded. The release puts it back (`resumeHeldHttpResult`).
 */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { requeueHeldEvent, type NewInboundEvent } from '../db/repositories/inbox.js';
import type { ContactRow } from '../db/repositories/contacts.js';
import { findSessionForUser, type DueTimer } from '../db/repositories/sessions.js';
import { LIVE_SESSION_STATUSES, type EngineInput, type EngineState, type HttpResult } from '../engine/types.js';
import type { HeadLease, MessageRow } from '../db/repositories/messages.js';
import { advanceSession, type AdvanceDeps, type Advanced, type PendingHttp } from './advance.js';
import type { LeasedHead } from '../db/repositories/outbox.js';
import type { ConversationRef } from './keys.js';
import { recordMessages } from './outbound.js';

export const SESSION_EVENT_KINDS = ['timer', 'http'] as const;

const timerPayload = z.object({ sessionId: z.string(), dueAt: z.number() });
const httpPayload = z.object({
  sessionId: z.string(),
  nodeId: z.string(),
  /** Absent in results stored before it was recorded. */
  waitUntil: z.number().nullable().optional(),
  result: z.union([
    z.object({ ok: z.literal(true), status: z.number(), body: z.unknown() }),
    z.object({ ok: z.literal(false), status: z.number().nullable(), error: z.string() }),
  ]),
});

export function timerEvent(timer: DueTimer): NewInboundEvent {
  const dueAt = timer.dueAt.getTime();
  return {
    dedupeKey: `timer:${timer.sessionId}:${dueAt}`,
    kind: 'timer',
    phoneNumberId: timer.phoneNumberId,
    contactKey: timer.contactKey,
    wamid: null,
    occurredAt: timer.dueAt,
    payload: { sessionId: timer.sessionId, dueAt },
    state: 'pending',
    reason: null,
  };
}

/** Names one request: its session, its node and its wait's timer. */
function httpResultKey(sessionId: string, nodeId: string, waitUntil: number): string {
  return `http:${sessionId}:${nodeId}:${waitUntil}`;
}

/** `conversation`: the contact's own (`Contact.phone`), where its timers go too. */
export function httpResultEvent(conversation: ConversationRef, pending: PendingHttp, result: HttpResult, at: Date): NewInboundEvent {
  return {
    dedupeKey: httpResultKey(pending.sessionId, pending.nodeId, pending.waitUntil ?? at.getTime()),
    kind: 'http',
    phoneNumberId: conversation.phoneNumberId,
    contactKey: conversation.contactKey,
    wamid: null,
    occurredAt: at,
    payload: { sessionId: pending.sessionId, nodeId: pending.nodeId, waitUntil: pending.waitUntil, result },
    state: 'pending',
    reason: null,
  };
}

export type SessionEventOutcome =
  | { kind: 'advanced'; contact: ContactRow; advanced: Advanced; outbound: MessageRow[]; head: LeasedHead | null }
  | { kind: 'skipped' | 'held'; reason: string };

export async function handleSessionEvent(
  tx: Db,
  deps: AdvanceDeps,
  userId: string,
  kind: string,
  payload: unknown,
  now: number,
  lease: HeadLease | null,
): Promise<SessionEventOutcome> {
  const input = inputOf(kind, payload);
  if (!input) return { kind: 'skipped', reason: `malformed ${kind} event` };
  const found = await findSessionForUser(tx, input.sessionId, userId);
  if (!found) return { kind: 'skipped', reason: 'the session no longer exists' };
  const { session, contact, flow } = found;
  if (!LIVE_SESSION_STATUSES.some((status) => status === session.status)) {
    return { kind: 'skipped', reason: `the session is ${session.status}` };
  }
  if (session.status === 'Handoff' && input.input.kind === 'httpResult') {
    return { kind: 'held', reason: 'the session is in Handoff: the result waits for its release' };
  }
  const loaded = await deps.definitions.get(tx, flow, session.flowVersion ?? flow.version);
  if (!loaded.ok) return { kind: 'skipped', reason: loaded.reason };
  const advanced = await advanceSession(tx, deps, contact, { kind: 'existing', session, definition: loaded.definition }, input.input, now);
  const { outbound, head } = await recordMessages(tx, { userId, contactId: contact.id, phone: contact.phone }, null, advanced.replies, lease);
  return { kind: 'advanced', contact, advanced, outbound, head };
}

/**
 * On release: puts back the HTTP result held for the wait the session stood at when it was taken
 * over (`waited`), as the answer to the wait the release restored (its timer may have been moved
 * on). Returns the conversation to run, or null when no result was held.
 */
export async function resumeHeldHttpResult(
  tx: Db,
  sessionId: string,
  waited: Pick<EngineState, 'currentNodeId' | 'timerAt'>,
  restoredTimerAt: number | null,
): Promise<ConversationRef | null> {
  if (waited.currentNodeId === null || waited.timerAt === null) return null;
  const held = await requeueHeldEvent(tx, httpResultKey(sessionId, waited.currentNodeId, waited.timerAt), { waitUntil: restoredTimerAt });
  return held?.phoneNumberId && held.contactKey ? { phoneNumberId: held.phoneNumberId, contactKey: held.contactKey } : null;
}

function inputOf(kind: string, payload: unknown): { sessionId: string; input: EngineInput } | null {
  if (kind === 'timer') {
    const parsed = timerPayload.safeParse(payload);
    return parsed.success ? { sessionId: parsed.data.sessionId, input: { kind: 'timer', dueAt: parsed.data.dueAt } } : null;
  }
  const parsed = httpPayload.safeParse(payload);
  if (!parsed.success) return null;
  const { sessionId, nodeId, result, waitUntil } = parsed.data;
  return { sessionId, input: { kind: 'httpResult', nodeId, result, waitUntil: waitUntil ?? null } };
}
