/**
 * What an operator does to a conversation: take it over from the bot, reply, hand it back, mark
 * it read. Changes run in a transaction that first takes the conversation's lock (the worker's),
 * so they are ordered with the bot's steps; their realtime events are written in the same
 * transaction and published after commit.
 *
 * - Take over: the contact's session becomes `Handoff` and the bot stays silent: its pending
 *   timer is held, and its messages still queued (waiting for a retry or the pair rate) are
 *   cancelled; one already on its way to Meta is sent. With no live session, the latest one is
 *   taken over, so a finished flow does not restart on the contact's next message while a
 *   person answers.
 * - Reply: free text, only inside the 24-hour window, and only when the bot is not running the
 *   conversation (take over first). Operator messages belong to no session, so one that fails
 *   cannot end the bot's session.
 * - Release `resume`: the session returns to the status the takeover found (a paused flow waits
 *   at its node again; a timer that came due meanwhile fires now; the result of its HTTP request
 *   that came meanwhile is fed to it now). Release `end`: Completed.
 *   Messages the contact sent during the takeover are not replayed to the bot.
 */
import type { Db } from '../db/client.js';
import { findContact, type ContactRow } from '../db/repositories/contacts.js';
import { findCurrentSession, markConversationRead, touchContact } from '../db/repositories/conversations.js';
import { recordEvents } from '../db/repositories/events.js';
import { lockKey } from '../db/repositories/inbox.js';
import type { MessageRow } from '../db/repositories/messages.js';
import { queuedBotMessages } from '../db/repositories/outbox.js';
import { saveSessionState, setSessionStatus, type SessionRow } from '../db/repositories/sessions.js';
import { findUserById } from '../db/repositories/users.js';
import { conversationKey, conversationLockName, type ConversationRef } from '../conversation/keys.js';
import { recordMessages } from '../conversation/outbound.js';
import { resumeHeldHttpResult } from '../conversation/session-events.js';
import { toEngineState, toSessionState } from '../conversation/session-state.js';
import { LIVE_SESSION_STATUSES, SESSION_STATUSES, type SessionStatus } from '../engine/types.js';
import { cancelQueued } from '../outbox/cancel.js';
import { conversationRead, messageNew, sessionUpdated, type NewRealtimeEvent, type RealtimePublisher } from '../realtime/events.js';
import { serviceWindow } from './window.js';

/** Why the bot's queued messages were not sent. */
const TAKEN_OVER = 'not sent: an operator took over the conversation';

export type ReleaseMode = 'resume' | 'end';
export const RELEASE_MODES = ['resume', 'end'] as const satisfies readonly ReleaseMode[];

export class OperatorError extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionSummary {
  id: string;
  status: string;
}

export interface OperatorDeps {
  db: Db;
  now(): number;
  publisher: Pick<RealtimePublisher, 'publish'>;
  /** Sends what was queued for these contacts. */
  schedule(contactIds: string[]): void;
  /** Runs these conversations' pending events (an HTTP result put back by a release). */
  wake(conversationKeys: string[]): void;
}

export interface OperatorActions {
  takeOver(userId: string, contactId: string): Promise<SessionSummary>;
  reply(userId: string, contactId: string, text: string): Promise<MessageRow>;
  release(userId: string, contactId: string, mode: ReleaseMode): Promise<SessionSummary>;
  /** The time read up to, or null when there was nothing new. */
  markRead(userId: string, contactId: string): Promise<Date | null>;
}

interface Change<T> {
  result: T;
  events: NewRealtimeEvent[];
  /** Conversations with an event put back for the worker. */
  wake?: ConversationRef[];
}

const isLive = (status: string) => LIVE_SESSION_STATUSES.some((live) => live === status);

export function createOperatorActions(deps: OperatorDeps): OperatorActions {
  const ownContact = async (userId: string, contactId: string) => {
    const contact = await findContact(deps.db, userId, contactId);
    if (!contact) throw new OperatorError('not_found', 'not_found', 'contact not found');
    return contact;
  };

  /** Runs `work` under the conversation's lock (the worker's), then publishes its events. */
  const inConversation = async <T>(
    userId: string,
    contactId: string,
    work: (tx: Db, contact: ContactRow, now: number) => Promise<Change<T>>,
  ): Promise<T> => {
    const contact = await ownContact(userId, contactId);
    // Read before the transaction: the embedded database runs one transaction at a time.
    const phoneNumberId = (await findUserById(deps.db, userId))?.metaPhoneNumberId;
    if (!phoneNumberId) throw new OperatorError('conflict', 'no_number', 'this user has no WhatsApp number');
    const { change, recorded } = await deps.db.transaction(async (tx) => {
      await lockKey(tx, conversationLockName({ phoneNumberId, contactKey: contact.phone }));
      const current = (await findContact(tx, userId, contactId)) ?? contact;
      const made = await work(tx, current, deps.now());
      return { change: made, recorded: await recordEvents(tx, made.events) };
    });
    deps.publisher.publish(recorded);
    if (change.wake?.length) deps.wake(change.wake.map(conversationKey));
    return change.result;
  };

  const statusChange = (userId: string, contactId: string, sessionId: string, status: SessionStatus) =>
    sessionUpdated(userId, contactId, { sessionId, status });

  return {
    takeOver: (userId, contactId) =>
      inConversation(userId, contactId, async (tx, contact, now) => {
        const session = await findCurrentSession(tx, contact.id, LIVE_SESSION_STATUSES);
        if (!session) {
          throw new OperatorError('conflict', 'no_session', 'no flow has run for this contact yet: reply without taking over');
        }
        if (session.status === 'Handoff') return { result: summary(session), events: [] };
        const context = { ...asRecord(session.context), takeover: { from: session.status, at: new Date(now).toISOString() } };
        await saveSessionState(tx, session.id, { status: 'Handoff', currentNodeId: session.currentNodeId, context, nextTimerAt: null });
        const cancelled = await cancelQueued(tx, await queuedBotMessages(tx, contact.id), TAKEN_OVER, new Date(now));
        return {
          result: { id: session.id, status: 'Handoff' },
          events: [statusChange(userId, contact.id, session.id, 'Handoff'), ...cancelled],
        };
      }),

    reply: (userId, contactId, text) =>
      inConversation(userId, contactId, async (tx, contact, now) => {
        const window = serviceWindow(contact.lastInboundAt, now);
        if (!window.open) throw new OperatorError('conflict', 'window_closed', windowClosedMessage(window.closesAt));
        const session = await findCurrentSession(tx, contact.id, LIVE_SESSION_STATUSES);
        if (session && isLive(session.status) && session.status !== 'Handoff') {
          throw new OperatorError('conflict', 'bot_active', `the bot is running this conversation (session ${session.status}): take it over first`);
        }
        const {
          outbound: [message],
        } = await recordMessages(tx, { userId, contactId: contact.id, phone: contact.phone }, null, [{ sessionId: null, content: { type: 'text', text: { body: text } } }]);
        const at = new Date(now);
        await touchContact(tx, contact.id, at);
        // An operator answering keeps a handed-off session from expiring.
        if (session?.status === 'Handoff') await setSessionStatus(tx, session.id, 'Handoff');
        return { result: message!, events: [messageNew(message!)] };
      }).then((message) => {
        deps.schedule([message.contactId]);
        return message;
      }),

    release: (userId, contactId, mode) =>
      inConversation(userId, contactId, async (tx, contact, now) => {
        const session = await findCurrentSession(tx, contact.id, LIVE_SESSION_STATUSES);
        if (session?.status !== 'Handoff') {
          throw new OperatorError('conflict', 'not_taken_over', 'this conversation is not taken over');
        }
        const status = mode === 'end' ? 'Completed' : (takeoverOrigin(session.context) ?? 'Completed');
        const engine = toEngineState(session);
        // A timer that came due during the takeover fires now, at a new time: timer events are
        // deduplicated by session and time, and the old one may already have been spent.
        const timerAt = isLive(status) && engine.timerAt !== null ? Math.max(engine.timerAt, now + 1) : null;
        await saveSessionState(tx, session.id, toSessionState({ ...engine, status, timerAt }));
        const held = isLive(status) ? await resumeHeldHttpResult(tx, session.id, engine, timerAt) : null;
        return {
          result: { id: session.id, status },
          events: [statusChange(userId, contact.id, session.id, status)],
          wake: held ? [held] : [],
        };
      }),

    async markRead(userId, contactId) {
      await ownContact(userId, contactId);
      const { readUpTo, recorded } = await deps.db.transaction(async (tx) => {
        const at = await markConversationRead(tx, contactId);
        return { readUpTo: at, recorded: at ? await recordEvents(tx, [conversationRead(userId, contactId, at)]) : [] };
      });
      deps.publisher.publish(recorded);
      return readUpTo;
    },
  };
}

const summary = (session: SessionRow): SessionSummary => ({ id: session.id, status: session.status });

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The status a takeover found, remembered in the session's context; null if the flow handed off itself. */
function takeoverOrigin(context: unknown): SessionStatus | null {
  const from = asRecord(asRecord(context).takeover).from;
  return SESSION_STATUSES.find((status) => status === from && status !== 'Handoff') ?? null;
}

function windowClosedMessage(closesAt: Date | null): string {
  const since = closesAt ? `closed at ${closesAt.toISOString()}` : 'not open: the contact has never written';
  return `the 24-hour customer service window is ${since}; WhatsApp accepts only template messages until the contact writes again`;
}
