/**
 * Work keys: what a queue notification names. A conversation (one contact of one business
 * number) is the unit of ordering and locking; statuses are applied in batches under one key;
 * a contact's outbox is announced so a worker sends what another process queued.
 */
export interface ConversationRef {
  phoneNumberId: string;
  contactKey: string;
}

const SEPARATOR = '|';
export const STATUS_QUEUE_KEY = 'statuses';
const OUTBOX_PREFIX = 'outbox:';

export function conversationKey(ref: ConversationRef): string {
  return `${ref.phoneNumberId}${SEPARATOR}${ref.contactKey}`;
}

/** The advisory lock of a conversation on PostgreSQL: the worker's and the operators'. */
export function conversationLockName(ref: ConversationRef): string {
  return `conversation:${conversationKey(ref)}`;
}

export function parseConversationKey(key: string): ConversationRef {
  const at = key.indexOf(SEPARATOR);
  return { phoneNumberId: key.slice(0, at), contactKey: key.slice(at + 1) };
}

export function outboxKey(contactId: string): string {
  return `${OUTBOX_PREFIX}${contactId}`;
}

export type WorkKey = { kind: 'conversation'; key: string } | { kind: 'statuses' } | { kind: 'outbox'; contactId: string };

/** Phone number ids are digits, so a conversation key never looks like the other two. */
export function parseWorkKey(key: string): WorkKey {
  if (key === STATUS_QUEUE_KEY) return { kind: 'statuses' };
  if (key.startsWith(OUTBOX_PREFIX)) return { kind: 'outbox', contactId: key.slice(OUTBOX_PREFIX.length) };
  return { kind: 'conversation', key };
}
