/**
 * The realtime events, with the seed's names and payloads. They are built from committed
 * changes, stored in the `events` log in the same transaction, and fanned out after commit with
 * their sequence number added (`seq`), so a console can ask for what it missed.
 */
import type { MessageRow } from '../db/repositories/messages.js';

export const EVENT_TYPES = {
  messageNew: 'message:new',
  messageStatus: 'message:status',
  sessionUpdated: 'session:updated',
  typingStart: 'typing:start',
  typingStop: 'typing:stop',
  conversationRead: 'conversation:read',
} as const;

export type StoredEventType = (typeof EVENT_TYPES)['messageNew' | 'messageStatus' | 'sessionUpdated' | 'conversationRead'];

export type TypingEventType = (typeof EVENT_TYPES)['typingStart' | 'typingStop'];

/**
 * The per-user room's one event: every event of the user's conversations, for lists (new
 * conversations, last messages, unread counts, who is being answered). Under their own names
 * they go to conversation rooms only, so a client that follows one conversation sees only it.
 * Also the shape of a replayed event (stored ones only: typing is not replayed).
 */
export const INBOX_EVENT = 'inbox:event';

export interface InboxEvent {
  type: StoredEventType | TypingEventType;
  payload: Record<string, unknown>;
}

export interface NewRealtimeEvent {
  userId: string;
  contactId: string;
  type: StoredEventType;
  payload: Record<string, unknown>;
}

export interface RealtimeEvent extends NewRealtimeEvent {
  /** Increasing across the log; a user's events are a subsequence. */
  seq: number;
  createdAt: Date;
}

/** `message:new { message, contactId }` — an inbound message saved, or an outbound one recorded. */
export function messageNew(message: MessageRow): NewRealtimeEvent {
  return {
    userId: message.userId,
    contactId: message.contactId,
    type: EVENT_TYPES.messageNew,
    payload: { message, contactId: message.contactId },
  };
}

/** `message:status { messageId, waMessageId, status, contactId }`, plus the error when it failed. */
export function messageStatus(message: Pick<MessageRow, 'id' | 'waMessageId' | 'status' | 'error' | 'userId' | 'contactId'>): NewRealtimeEvent {
  return {
    userId: message.userId,
    contactId: message.contactId,
    type: EVENT_TYPES.messageStatus,
    payload: {
      messageId: message.id,
      waMessageId: message.waMessageId,
      status: message.status,
      contactId: message.contactId,
      error: message.error,
    },
  };
}

/** `session:updated { sessionId, status, contactId }` */
export function sessionUpdated(userId: string, contactId: string, change: { sessionId: string; status: string }): NewRealtimeEvent {
  return {
    userId,
    contactId,
    type: EVENT_TYPES.sessionUpdated,
    payload: { sessionId: change.sessionId, status: change.status, contactId },
  };
}

/** `conversation:read { contactId, readUpTo }` — operators read the conversation up to that time. */
export function conversationRead(userId: string, contactId: string, readUpTo: Date): NewRealtimeEvent {
  return { userId, contactId, type: EVENT_TYPES.conversationRead, payload: { contactId, readUpTo: readUpTo.toISOString() } };
}

/** What a client receives: the seed's payload with the sequence number. */
export function wirePayload(event: RealtimeEvent): Record<string, unknown> {
  return { ...event.payload, seq: event.seq };
}

export function inboxEvent(event: RealtimeEvent): InboxEvent {
  return { type: event.type, payload: wirePayload(event) };
}

export interface RealtimePublisher {
  /** Fans out committed events (to `conversation:<contactId>` and the user's room). */
  publish(events: readonly RealtimeEvent[]): void;
  /** Ephemeral: the bot is (or stopped) sending to this contact. */
  typing(userId: string, contactId: string, active: boolean): void;
}
