import type { InboundSummary } from '../whatsapp/inbound.js';

const NOT_REPLIES: ReadonlySet<string> = new Set(['reaction', 'system']);

/**
 * Whether a message is the user saying something. Reactions and system notices (e.g. "user
 * changed number") are not: they neither answer a waiting node nor change `{{input}}`.
 */
export function isReply(message: InboundSummary): boolean {
  return !NOT_REPLIES.has(message.type);
}
