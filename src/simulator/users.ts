/**
 * Messages a simulated user sends, in friendly form, and the Cloud API message objects Meta
 * would deliver for them (reference §2).
 */
import type { MediaType } from '../whatsapp/outbound.js';
import type { MediaStore } from './media.js';
import { senderOf, unixSeconds, type JsonObject, type WhatsAppUser } from './webhooks.js';

export type UserMessage =
  | { type: 'text'; body: string }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description?: string }
  /** A WhatsApp Flow submitted: `response` arrives as the JSON string `response_json`. */
  | { type: 'nfm_reply'; response: JsonObject; body?: string; name?: string }
  /** A quick-reply button of a template. */
  | { type: 'button'; text: string; payload?: string }
  | { type: MediaType; caption?: string; mimeType?: string; filename?: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contacts'; contacts: Array<{ name: string; phone: string }> }
  /** Without `emoji` the user removes their reaction. */
  | { type: 'reaction'; messageId: string; emoji?: string }
  | {
      type: 'order';
      catalogId: string;
      items: Array<{ productRetailerId: string; quantity: number; price: number; currency: string }>;
      text?: string;
    }
  /** Something the Cloud API cannot render, e.g. a poll. */
  | { type: 'unsupported'; kind?: string };

type MediaMessage = Extract<UserMessage, { type: MediaType }>;

const DEFAULT_MIME_TYPES: Readonly<Record<MediaType, string>> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

/** Stores the "upload" of a media message, as Meta does before delivering it. */
function mediaContent(message: MediaMessage, store: MediaStore): JsonObject {
  const { caption, filename } = message;
  const media = store.add(message.mimeType ?? DEFAULT_MIME_TYPES[message.type]);
  return {
    type: message.type,
    [message.type]: {
      id: media.id,
      mime_type: media.mimeType,
      sha256: media.sha256,
      ...(caption === undefined ? {} : { caption }),
      ...(filename === undefined ? {} : { filename }),
    },
  };
}

const REPLY_TYPES: ReadonlySet<UserMessage['type']> = new Set(['button_reply', 'list_reply', 'nfm_reply', 'button']);

/** Replies to something the business sent, so Meta adds a `context` naming it. */
export function isReply(message: UserMessage): boolean {
  return REPLY_TYPES.has(message.type);
}

function interactive(reply: JsonObject & { type: string }): JsonObject {
  return { type: 'interactive', interactive: reply };
}

/** The type-specific part of the message object. */
function content(message: UserMessage, store: MediaStore): JsonObject {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: { body: message.body } };
    case 'button_reply':
      return interactive({ type: 'button_reply', button_reply: { id: message.id, title: message.title } });
    case 'list_reply': {
      const { id, title, description } = message;
      const listReply = { id, title, ...(description === undefined ? {} : { description }) };
      return interactive({ type: 'list_reply', list_reply: listReply });
    }
    case 'nfm_reply':
      return interactive({
        type: 'nfm_reply',
        nfm_reply: {
          name: message.name ?? 'flow',
          body: message.body ?? 'Sent',
          response_json: JSON.stringify(message.response),
        },
      });
    case 'button':
      return { type: 'button', button: { payload: message.payload ?? message.text, text: message.text } };
    case 'location': {
      const { latitude, longitude, name, address } = message;
      const labels = { ...(name === undefined ? {} : { name }), ...(address === undefined ? {} : { address }) };
      return { type: 'location', location: { latitude, longitude, ...labels } };
    }
    case 'contacts':
      return {
        type: 'contacts',
        contacts: message.contacts.map(({ name, phone }) => ({
          name: { formatted_name: name, first_name: name },
          phones: [{ phone, type: 'CELL' }],
        })),
      };
    case 'reaction':
      return {
        type: 'reaction',
        reaction: { message_id: message.messageId, ...(message.emoji === undefined ? {} : { emoji: message.emoji }) },
      };
    case 'order':
      return {
        type: 'order',
        order: {
          catalog_id: message.catalogId,
          ...(message.text === undefined ? {} : { text: message.text }),
          product_items: message.items.map((item) => ({
            product_retailer_id: item.productRetailerId,
            quantity: item.quantity,
            item_price: item.price,
            currency: item.currency,
          })),
        },
      };
    case 'unsupported':
      return {
        type: 'unsupported',
        unsupported: { type: message.kind ?? 'poll' },
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
      };
    default:
      return mediaContent(message, store);
  }
}

export interface UserMessageContext {
  wamid: string;
  time: number;
  /** Wamid of the business message this one answers. */
  replyTo?: string;
  /** Display number of the business, which Meta names as `context.from`. */
  businessNumber: string;
  media: MediaStore;
}

/** The message object of an inbound webhook. */
export function userMessageObject(user: WhatsAppUser, message: UserMessage, context: UserMessageContext): JsonObject {
  return {
    ...senderOf(user),
    id: context.wamid,
    timestamp: unixSeconds(context.time),
    ...(context.replyTo === undefined ? {} : { context: { from: context.businessNumber, id: context.replyTo } }),
    ...content(message, context.media),
  };
}
