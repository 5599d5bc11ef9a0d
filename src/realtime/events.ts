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
} as const;

export type StoredEventType = (typeof EVENT_TYPES)['messageNew' | 'messageStatus' | 'sessionUpdated'];

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
export function messageStatus(message: MessageRow): NewRealtimeEvent {
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

/** What a client receives: the seed's payload with the sequence number. */
export function wirePayload(event: RealtimeEvent): Record<string, unknown> {
  return { ...event.payload, seq: event.seq };
}

export interface RealtimePublisher {
  /** Fans out committed events (to `conversation:<contactId>` and the user's room). */
  publish(events: readonly RealtimeEvent[]): void;
  /** Ephemeral: the bot is (or stopped) sending to this contact. */
  typing(userId: string, contactId: string, active: boolean): void;
}
