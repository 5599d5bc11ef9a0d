/**
 * Webhook bodies as Meta builds them (reference §2): envelopes, entries, contacts, status
 * objects, and Meta's way of writing JSON.
 */
import { randomBytes } from 'node:crypto';
import type { StatusError } from './graph-errors.js';

/** A business phone number as webhooks describe it. */
export interface BusinessNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

/** A WhatsApp user: a phone number, a BSUID, or both. */
export interface WhatsAppUser {
  phone: string | null;
  userId?: string;
  name?: string;
}

export type JsonObject = Record<string, unknown>;

export interface WebhookChange {
  field: string;
  value: JsonObject;
}

export interface WebhookEntry {
  id: string;
  changes: WebhookChange[];
}

export interface WebhookBody {
  object: 'whatsapp_business_account';
  entry: WebhookEntry[];
}

export function webhookBody(entries: WebhookEntry[]): WebhookBody {
  return { object: 'whatsapp_business_account', entry: entries };
}

export interface MessagesValue {
  contacts?: JsonObject[];
  messages?: JsonObject[];
  statuses?: JsonObject[];
}

export function messagesChange(number: BusinessNumber, value: MessagesValue): WebhookChange {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
      ...value,
    },
  };
}

export function contactOf(user: WhatsAppUser): JsonObject {
  return {
    profile: user.name === undefined ? {} : { name: user.name },
    ...(user.phone === null ? {} : { wa_id: user.phone }),
    ...(user.userId === undefined ? {} : { user_id: user.userId }),
  };
}

/** The sender fields of an inbound message. */
export function senderOf(user: WhatsAppUser): JsonObject {
  return {
    ...(user.phone === null ? {} : { from: user.phone }),
    ...(user.userId === undefined ? {} : { from_user_id: user.userId }),
  };
}

/** One inbound message, with the business number it was sent to and who sent it. */
export interface InboundItem {
  number: BusinessNumber;
  user: WhatsAppUser;
  message: JsonObject;
}

/**
 * How a batch is laid out: one change per business number holding all its messages (what
 * Meta usually does), one entry per message, or one change per message.
 */
export type BatchLayout = 'grouped' | 'entry-per-message' | 'change-per-message';

function inboundChange(number: BusinessNumber, items: readonly InboundItem[]): WebhookChange {
  const contacts = new Map(items.map(({ user }) => [user.phone ?? user.userId, contactOf(user)]));
  return messagesChange(number, { contacts: [...contacts.values()], messages: items.map((item) => item.message) });
}

function byNumber(items: readonly InboundItem[]): Array<{ number: BusinessNumber; items: InboundItem[] }> {
  const groups = new Map<string, { number: BusinessNumber; items: InboundItem[] }>();
  for (const item of items) {
    const group = groups.get(item.number.phoneNumberId) ?? { number: item.number, items: [] };
    group.items.push(item);
    groups.set(item.number.phoneNumberId, group);
  }
  return [...groups.values()];
}

export function inboundWebhook(items: readonly InboundItem[], layout: BatchLayout = 'grouped'): WebhookBody {
  switch (layout) {
    case 'grouped':
      return webhookBody(
        byNumber(items).map((group) => ({
          id: group.number.wabaId,
          changes: [inboundChange(group.number, group.items)],
        })),
      );
    case 'entry-per-message':
      return webhookBody(
        items.map((item) => ({ id: item.number.wabaId, changes: [inboundChange(item.number, [item])] })),
      );
    case 'change-per-message':
      return webhookBody(
        byNumber(items).map((group) => ({
          id: group.number.wabaId,
          changes: group.items.map((item) => inboundChange(group.number, [item])),
        })),
      );
  }
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusInput {
  wamid: string;
  status: DeliveryStatus;
  /** Phone number or BSUID the message went to. */
  recipient: string;
  time: number;
  error?: StatusError;
  bizOpaqueCallbackData?: string;
}

const BSUID = /^[A-Z]{2}\.\d+$/;

/** A business-scoped user id (e.g. `US.13491208655302741918`) rather than a phone number. */
export function isUserId(recipient: string): boolean {
  return BSUID.test(recipient);
}

/**
 * A recipient as Meta names it back, in a send's `contacts[].wa_id` and in its statuses: a
 * phone number as digits only (`+1 555-0100` → `15550100`), a BSUID as given.
 */
export function recipientIdOf(to: string): string {
  return isUserId(to) ? to : to.replace(/\D/g, '');
}

/** A fresh, unique WhatsApp message id. */
export function newWamid(): string {
  return `wamid.${randomBytes(24).toString('base64url')}`;
}

export function statusObject(input: StatusInput): JsonObject {
  const charged = input.status === 'sent' || input.status === 'delivered';
  return {
    id: input.wamid,
    status: input.status,
    timestamp: unixSeconds(input.time),
    ...(isUserId(input.recipient) ? { recipient_user_id: input.recipient } : { recipient_id: recipientIdOf(input.recipient) }),
    ...(input.bizOpaqueCallbackData === undefined ? {} : { biz_opaque_callback_data: input.bizOpaqueCallbackData }),
    ...(charged
      ? { pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' } }
      : {}),
    ...(input.error === undefined ? {} : { errors: [input.error] }),
  };
}

/** Unix seconds as a string, as Meta writes every timestamp. */
export function unixSeconds(epochMs: number): string {
  return String(Math.floor(epochMs / 1000));
}

/**
 * JSON as Meta writes it: `/`, `@` and every non-ASCII character escaped. A receiver that
 * verifies the signature over re-serialised JSON instead of the raw bytes fails on these.
 */
export function serializeLikeMeta(value: unknown): string {
  return JSON.stringify(value).replace(/[/@\u007f-\uffff]/g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
