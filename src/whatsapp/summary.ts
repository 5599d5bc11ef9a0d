/**
 * What a flow sees of an inbound message: its text and the choice it carries, whatever its
 * Cloud API type.
 */
import type { InboundSummary } from './inbound.js';
import type { InboundMessage } from './webhook-schema.js';

type Content = Pick<InboundSummary, 'text' | 'reply'>;
type InteractiveReply = Extract<InboundMessage, { type: 'interactive' }>['interactive'];

function textOnly(text: string | undefined): Content {
  return { text: text ?? null, reply: null };
}

function interactiveContent(interactive: InteractiveReply): Content {
  switch (interactive.type) {
    case 'button_reply':
    case 'list_reply': {
      const { id, title } = interactive.type === 'button_reply' ? interactive.button_reply : interactive.list_reply;
      return { text: title, reply: { kind: interactive.type, id, title } };
    }
    case 'nfm_reply':
      // The form's answers are in response_json (kept in the raw message); body is its caption.
      return textOnly(interactive.nfm_reply.body);
  }
}

function content(message: InboundMessage): Content {
  switch (message.type) {
    case 'text':
      return textOnly(message.text.body);
    case 'interactive':
      return interactiveContent(message.interactive);
    case 'button': {
      const { text, payload } = message.button;
      return { text, reply: { kind: 'button', id: payload ?? text, title: text } };
    }
    case 'image':
      return textOnly(message.image.caption);
    case 'video':
      return textOnly(message.video.caption);
    case 'document':
      return textOnly(message.document.caption);
    case 'location':
      return textOnly(message.location.name ?? message.location.address);
    case 'order':
      return textOnly(message.order.text);
    // Nothing here was typed by the user: a flow must not take it for an answer.
    case 'audio':
    case 'sticker':
    case 'contacts':
    case 'reaction':
    case 'system':
      return textOnly(undefined);
  }
}

export function summarize(message: InboundMessage): InboundSummary {
  return { type: message.type, ...content(message), replyTo: message.context?.id ?? null };
}
