/**
 * Events a session makes for itself, stored in the inbox so they go through the same ordered,
 * locked, exactly-once path as messages: a timer that fired (a delay ended, a wait timed out) and
 * the result of an HTTP request a flow made.
 */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { NewInboundEvent } from '../db/repositories/inbox.js';
import { findSessionForUser, type DueTimer } from '../db/repositories/sessions.js';
import { LIVE_SESSION_STATUSES, type EngineInput, type HttpResult } from '../engine/types.js';
import type { HeadLease, MessageRow } from '../db/repositories/messages.js';
import { advanceSession, type AdvanceDeps, type Advanced, type PendingHttp } from './advance.js';
import type { LeasedHead } from '../db/repositories/outbox.js';
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

export function httpResultEvent(
  conversation: { phoneNumberId: string; contactKey: string },
  pending: PendingHttp,
  result: HttpResult,
  at: Date,
): NewInboundEvent {
  return {
    dedupeKey: `http:${pending.sessionId}:${pending.nodeId}:${pending.waitUntil ?? at.getTime()}`,
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
  | { kind: 'advanced'; contactId: string; advanced: Advanced; outbound: MessageRow[]; head: LeasedHead | null }
  | { kind: 'skipped'; reason: string };

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
  const loaded = await deps.definitions.get(tx, flow, session.flowVersion ?? flow.version);
  if (!loaded.ok) return { kind: 'skipped', reason: loaded.reason };
  const advanced = await advanceSession(tx, deps, contact, { kind: 'existing', session, definition: loaded.definition }, input.input, now);
  const { outbound, head } = await recordMessages(tx, { userId, contactId: contact.id, phone: contact.phone }, null, advanced.replies, lease);
  return { kind: 'advanced', contactId: contact.id, advanced, outbound, head };
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
