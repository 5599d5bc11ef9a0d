/**
 * Turns a webhook POST body into inbox records (reference §2, §8): every entry, change,
 * message and status of a batch, each on its own, so one odd part never costs the others.
 * Whatever we cannot act on becomes an `ignored` record: stored and acknowledged, never refused.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { IgnoredRecord, InboundProfile, MessageRecord, StatusRecord, WebhookRecord } from './inbound.js';
import { summarize } from './summary.js';
import {
  changeSchema,
  contactSchema,
  entrySchema,
  envelopeSchema,
  INBOUND_MESSAGE_TYPES,
  inboundMessageSchema,
  messageHeadSchema,
  messagesValueSchema,
  routedValueSchema,
  statusSchema,
  webhookErrorSchema,
  type WebhookContact,
  type WebhookError,
} from './webhook-schema.js';

export { summarize };

export interface ParseOptions {
  /**
   * Epoch ms standing in for a missing or invalid `timestamp`: the time of arrival is the
   * best remaining guess, where 0 would put the message decades outside the 24-hour window.
   */
  receivedAt?: number;
}

/**
 * Never throws for a JSON value. Records come in payload order; a key repeated within the
 * batch (Meta sometimes repeats a status) is kept once.
 */
export function parseWebhook(body: unknown, options: ParseOptions = {}): WebhookRecord[] {
  const receivedAt = options.receivedAt ?? Date.now();
  const byKey = new Map<string, WebhookRecord>();
  for (const record of envelopeRecords(body, receivedAt)) {
    if (!byKey.has(record.dedupeKey)) byKey.set(record.dedupeKey, record);
  }
  return [...byKey.values()];
}

function* envelopeRecords(body: unknown, receivedAt: number): Generator<WebhookRecord> {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    yield ignored(null, 'not a whatsapp_business_account webhook', body);
    return;
  }
  for (const entry of envelope.data.entry) {
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      yield ignored(null, `malformed entry: ${firstIssue(parsed.error)}`, entry);
      continue;
    }
    // Two notices alike in every field but their entry's time are two events (a template approved,
    // paused, then approved again); a redelivery repeats the entry as it was.
    const stamp = { id: parsed.data.id, time: parsed.data.time };
    for (const change of parsed.data.changes) yield* changeRecords(change, receivedAt, stamp);
  }
}

function* changeRecords(change: unknown, receivedAt: number, stamp: EntryStamp): Generator<WebhookRecord> {
  const parsed = changeSchema.safeParse(change);
  if (!parsed.success) {
    yield ignored(null, `malformed change: ${firstIssue(parsed.error)}`, change, stamp);
    return;
  }
  const { field, value } = parsed.data;
  if (field !== 'messages') {
    yield ignored(phoneNumberIdOf(value), `field "${field}" is not handled`, change, stamp);
    return;
  }
  const parsedValue = messagesValueSchema.safeParse(value);
  if (!parsedValue.success) {
    yield ignored(phoneNumberIdOf(value), `malformed messages change: ${firstIssue(parsedValue.error)}`, change, stamp);
    return;
  }
  const { metadata, contacts = [], messages = [], statuses = [], errors } = parsedValue.data;
  const phoneNumberId = metadata.phone_number_id;
  if (messages.length === 0 && statuses.length === 0 && errors === undefined) {
    yield ignored(phoneNumberId, 'messages change without messages, statuses or errors', change, stamp);
    return;
  }
  const profiles = contacts.flatMap((contact) => {
    const parsedContact = contactSchema.safeParse(contact);
    return parsedContact.success ? [parsedContact.data] : [];
  });
  for (const message of messages) yield messageRecord(message, phoneNumberId, profiles, receivedAt);
  for (const status of statuses) yield statusRecord(status, phoneNumberId, receivedAt);
  if (errors !== undefined) {
    const described = errors.map(describeError).join('; ') || 'none listed';
    yield ignored(phoneNumberId, `webhook errors: ${described}`, errors, { ...stamp, value });
  }
}

function messageRecord(
  raw: unknown,
  phoneNumberId: string,
  contacts: readonly WebhookContact[],
  receivedAt: number,
): MessageRecord | IgnoredRecord {
  const head = messageHeadSchema.safeParse(raw);
  if (!head.success) return ignored(phoneNumberId, `malformed message: ${firstIssue(head.error)}`, raw);
  const { id: wamid, type } = head.data;
  const profile = profileOf(head.data, contacts);
  // Phone first, so a user is the same contact whether or not Meta also sends their BSUID.
  const contactKey = profile.phone ?? profile.userId;
  if (contactKey === null) return ignored(phoneNumberId, `message ${wamid} has no sender (from / from_user_id)`, raw);
  if (!INBOUND_MESSAGE_TYPES.has(type)) return ignored(phoneNumberId, `message type "${type}" is not handled`, raw);
  const message = inboundMessageSchema.safeParse(raw);
  if (!message.success) return ignored(phoneNumberId, `malformed ${type} message: ${firstIssue(message.error)}`, raw);
  return {
    kind: 'message',
    dedupeKey: `msg:${wamid}`,
    phoneNumberId,
    contactKey,
    data: {
      wamid,
      timestamp: toMillis(head.data.timestamp, receivedAt),
      profile,
      summary: summarize(message.data),
      raw,
    },
  };
}

/** The sender as the message and its entry in `contacts` (matched by wa_id or user_id) describe them. */
function profileOf(
  sender: { from?: string; from_user_id?: string },
  contacts: readonly WebhookContact[],
): InboundProfile {
  const contact = contacts.find(
    (candidate) =>
      (sender.from !== undefined && candidate.wa_id === sender.from) ||
      (sender.from_user_id !== undefined && candidate.user_id === sender.from_user_id),
  );
  return {
    name: contact?.profile?.name ?? null,
    phone: sender.from ?? contact?.wa_id ?? null,
    userId: sender.from_user_id ?? contact?.user_id ?? null,
  };
}

function statusRecord(raw: unknown, phoneNumberId: string, receivedAt: number): StatusRecord | IgnoredRecord {
  const parsed = statusSchema.safeParse(raw);
  if (!parsed.success) return ignored(phoneNumberId, `malformed status: ${firstIssue(parsed.error)}`, raw);
  const { id: wamid, status, timestamp, recipient_id, recipient_user_id, errors } = parsed.data;
  const recipient = recipient_id ?? recipient_user_id;
  if (recipient === undefined) return ignored(phoneNumberId, `status ${wamid} has no recipient`, raw);
  const firstError = errors?.[0];
  return {
    kind: 'status',
    dedupeKey: `status:${wamid}:${status}`,
    phoneNumberId,
    contactKey: recipient,
    data: {
      wamid,
      status,
      timestamp: toMillis(timestamp, receivedAt),
      recipient,
      error: firstError === undefined ? null : errorText(firstError),
      errorCode: firstError?.code ?? null,
      raw,
    },
  };
}

/** The entry a change came in (its id and time, as sent), or whatever else tells one notice from another. */
type EntryStamp = Record<string, unknown>;

function ignored(phoneNumberId: string | null, reason: string, data: unknown, stamp: EntryStamp = {}): IgnoredRecord {
  const dedupeKey = `ignored:${fingerprint(phoneNumberId, stamp, data)}`;
  return { kind: 'ignored', dedupeKey, phoneNumberId, contactKey: null, reason, data };
}

/**
 * Same part in the same entry, same key, so redeliveries dedupe; the phone number id is part of
 * it so that identical notices for two numbers stay two records.
 */
function fingerprint(phoneNumberId: string | null, stamp: EntryStamp, data: unknown): string {
  return createHash('sha256').update(JSON.stringify([phoneNumberId, stamp, data])).digest('hex');
}

function phoneNumberIdOf(value: unknown): string | null {
  const parsed = routedValueSchema.safeParse(value);
  return parsed.success ? parsed.data.metadata.phone_number_id : null;
}

const UNIX_SECONDS = /^\d{1,12}$/;
/**
 * 9999-12-31T23:59:59Z. A later time is written by `toISOString` with a six-digit year, which
 * PostgreSQL refuses: the INSERT of every webhook sharing the batch would fail.
 */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** Unix seconds (a digit string, or a number) to epoch ms; anything else → `fallback`. */
function toMillis(timestamp: unknown, fallback: number): number {
  const seconds = typeof timestamp === 'string' && UNIX_SECONDS.test(timestamp) ? Number(timestamp) : timestamp;
  if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_UNIX_SECONDS) return seconds * 1000;
  return fallback;
}

function errorText(error: WebhookError): string | null {
  return error.title ?? error.message ?? (error.code === undefined ? null : `error ${error.code}`);
}

function describeError(error: unknown): string {
  const parsed = webhookErrorSchema.safeParse(error);
  const parts = parsed.success ? [parsed.data.code, parsed.data.title ?? parsed.data.message] : [];
  const known = parts.filter((part) => part !== undefined);
  return known.length === 0 ? 'unreadable error' : known.join(' ');
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
