/** A conversation is one contact of one business number: the unit of ordering and locking. */
export interface ConversationRef {
  phoneNumberId: string;
  contactKey: string;
}

const SEPARATOR = '|';

export function conversationKey(ref: ConversationRef): string {
  return `${ref.phoneNumberId}${SEPARATOR}${ref.contactKey}`;
}

export function parseConversationKey(key: string): ConversationRef {
  const at = key.indexOf(SEPARATOR);
  return { phoneNumberId: key.slice(0, at), contactKey: key.slice(at + 1) };
}
