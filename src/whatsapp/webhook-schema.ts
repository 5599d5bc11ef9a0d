/**
 * zod schemas for the webhook POST body (reference §2). All objects are loose: Meta adds
 * fields over time and the raw objects are stored as sent. Fields we only read for display
 * fall back to undefined when odd, so they never cost us a message.
 */
import { z } from 'zod';

/** Meta's phone number ids are digits; users are created with such ids only. */
export const PHONE_NUMBER_ID_PATTERN = /^\d{1,32}$/;
/**
 * Wamids are about 60 characters and user ids about 25. Identifiers are keys of unique indexes,
 * whose entries PostgreSQL caps at about 2.7 kB: a longer one could never be stored.
 */
export const MAX_ID_LENGTH = 256;

const optionalString = z.string().optional().catch(undefined);
const id = z.string().min(1).max(MAX_ID_LENGTH);
/** An identifier we need non-empty; an empty or odd one counts as absent. */
const optionalId = id.optional().catch(undefined);

export const envelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.unknown()),
});

export const entrySchema = z.looseObject({ id: z.unknown().optional(), time: z.unknown().optional(), changes: z.array(z.unknown()) });

export const changeSchema = z.looseObject({ field: z.string(), value: z.unknown() });

/** Any change value that names the phone number it concerns. */
export const routedValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().regex(PHONE_NUMBER_ID_PATTERN, 'must be a numeric phone number id') }),
});

export const messagesValueSchema = routedValueSchema.extend({
  // A broken contacts block only costs profile names, never the messages.
  contacts: z.array(z.unknown()).optional().catch(undefined),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

export const contactSchema = z.looseObject({
  wa_id: optionalId,
  user_id: optionalId,
  profile: z.looseObject({ name: optionalString }).optional().catch(undefined),
});
export type WebhookContact = z.infer<typeof contactSchema>;

/** An entry of `errors` in a status or in a change value. */
export const webhookErrorSchema = z.looseObject({
  code: z.number().int().optional().catch(undefined),
  title: optionalString,
  message: optionalString,
});
export type WebhookError = z.infer<typeof webhookErrorSchema>;

/** What every message has, whatever its type; the sender is checked separately. */
export const messageHeadSchema = z.looseObject({
  id,
  type: z.string(),
  from: optionalId,
  from_user_id: optionalId,
  /** Unix seconds as a string; read by the parser, never a reason to drop a message. */
  timestamp: z.unknown(),
  context: z.looseObject({ id: optionalId }).optional().catch(undefined),
});

const mediaObject = z.looseObject({
  id: z.string(),
  mime_type: optionalString,
  caption: optionalString,
});

const interactiveReplySchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('button_reply'),
    button_reply: z.looseObject({ id: z.string(), title: z.string() }),
  }),
  z.looseObject({
    type: z.literal('list_reply'),
    list_reply: z.looseObject({ id: z.string(), title: z.string(), description: optionalString }),
  }),
  z.looseObject({
    type: z.literal('nfm_reply'),
    // response_json is a JSON string; it stays a string here and in the raw message.
    nfm_reply: z.looseObject({ name: optionalString, body: optionalString, response_json: z.string() }),
  }),
]);

/** Every message type a flow can react to. Anything else is recorded as ignored. */
export const inboundMessageSchema = z.discriminatedUnion('type', [
  messageHeadSchema.extend({ type: z.literal('text'), text: z.looseObject({ body: z.string() }) }),
  messageHeadSchema.extend({ type: z.literal('interactive'), interactive: interactiveReplySchema }),
  messageHeadSchema.extend({
    type: z.literal('button'),
    // A template quick reply; the payload is what the template author set, the text what the user saw.
    button: z.looseObject({ text: z.string(), payload: optionalString }),
  }),
  messageHeadSchema.extend({ type: z.literal('image'), image: mediaObject }),
  messageHeadSchema.extend({ type: z.literal('video'), video: mediaObject }),
  messageHeadSchema.extend({ type: z.literal('audio'), audio: mediaObject }),
  messageHeadSchema.extend({ type: z.literal('document'), document: mediaObject }),
  messageHeadSchema.extend({ type: z.literal('sticker'), sticker: mediaObject }),
  messageHeadSchema.extend({
    type: z.literal('location'),
    location: z.looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: optionalString,
      address: optionalString,
    }),
  }),
  messageHeadSchema.extend({ type: z.literal('contacts'), contacts: z.array(z.looseObject({})) }),
  messageHeadSchema.extend({
    type: z.literal('reaction'),
    // No emoji means the user removed the reaction.
    reaction: z.looseObject({ message_id: z.string(), emoji: optionalString }),
  }),
  messageHeadSchema.extend({
    type: z.literal('order'),
    order: z.looseObject({ catalog_id: optionalString, text: optionalString, product_items: z.array(z.unknown()) }),
  }),
  messageHeadSchema.extend({
    type: z.literal('system'),
    system: z.looseObject({ body: optionalString, type: optionalString }),
  }),
]);
export type InboundMessage = z.infer<typeof inboundMessageSchema>;
export type InboundMessageType = InboundMessage['type'];

export const INBOUND_MESSAGE_TYPES: ReadonlySet<string> = new Set<InboundMessageType>(
  inboundMessageSchema.options.map((option) => option.shape.type.value),
);

export const statusSchema = z.looseObject({
  id,
  status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']),
  timestamp: z.unknown(),
  recipient_id: optionalId,
  recipient_user_id: optionalId,
  errors: z.array(webhookErrorSchema).optional().catch(undefined),
});
