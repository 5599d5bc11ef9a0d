/**
 * Delivery status of a stored Message (the seed's `Message.status` values) and the rule that
 * keeps it moving forward whatever order Meta's status webhooks arrive in (reference §4).
 */
export const MESSAGE_STATUSES = ['Pending', 'Sent', 'Delivered', 'Read', 'Failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const FROM_WHATSAPP: ReadonlyMap<string, MessageStatus> = new Map([
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['read', 'Read'],
  // A voice message that was played has necessarily been read.
  ['played', 'Read'],
  ['failed', 'Failed'],
]);

/** The seed's mapping, plus `played`; anything unknown stays Pending. */
export function mapWhatsAppStatus(status: string): MessageStatus {
  return FROM_WHATSAPP.get(status) ?? 'Pending';
}

type ProgressStatus = Exclude<MessageStatus, 'Failed'>;

const PROGRESS: Readonly<Record<ProgressStatus, number>> = { Pending: 0, Sent: 1, Delivered: 2, Read: 3 };

/**
 * The status to store when `incoming` arrives for a message that is `current`, or null when the
 * update must not be applied (a repeat or a step backwards).
 * - Pending < Sent < Delivered < Read, forward only.
 * - Failed can only follow Pending or Sent: a delivered message cannot fail afterwards.
 * - Failed is terminal, except that a later Delivered or Read proves the message arrived.
 */
export function advanceStatus(current: MessageStatus, incoming: MessageStatus): MessageStatus | null {
  if (current === 'Failed') return incoming === 'Delivered' || incoming === 'Read' ? incoming : null;
  if (incoming === 'Failed') return current === 'Pending' || current === 'Sent' ? incoming : null;
  return PROGRESS[incoming] > PROGRESS[current] ? incoming : null;
}
