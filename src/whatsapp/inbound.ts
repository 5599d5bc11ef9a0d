/**
 * What the webhook parser makes of a POST body: one record per message, status or
 * unhandled change. Records are stored in the durable inbox as they are and read back by the
 * conversation worker, so every field is plain JSON.
 */

/** The sender of an inbound message as the `contacts` array describes it (may be absent). */
export interface InboundProfile {
  name: string | null;
  /** Phone number in E.164 digits (`from` / `wa_id`); null for username-only users. */
  phone: string | null;
  /** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`, when Meta sends it. */
  userId: string | null;
}

/** The part of an inbound message a flow reacts to, independent of its Cloud API type. */
export interface InboundSummary {
  /** Cloud API message type: text, interactive, button, image, location, … */
  type: string;
  /** Text the user typed, or the caption / title of what they picked; null when there is none. */
  text: string | null;
  /** The choice the user made on an interactive message or a template quick-reply button. */
  reply: { kind: 'button_reply' | 'list_reply' | 'button'; id: string; title: string } | null;
  /** Wamid of the message this one answers (`context.id`), when present. */
  replyTo: string | null;
}

export interface MessageRecordData {
  wamid: string;
  /** Unix seconds from Meta, as milliseconds. */
  timestamp: number;
  profile: InboundProfile;
  summary: InboundSummary;
  /** The message object exactly as Meta sent it. */
  raw: unknown;
}

export type WhatsAppStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface StatusRecordData {
  wamid: string;
  status: WhatsAppStatus;
  timestamp: number;
  recipient: string;
  /** `errors[0].title` (falling back to message / code), as the seed stores it. */
  error: string | null;
  errorCode: number | null;
  raw: unknown;
}

interface RecordBase {
  /** Atomic dedupe key (unique in the inbox): redeliveries of the same thing share it. */
  dedupeKey: string;
  phoneNumberId: string | null;
}

export interface MessageRecord extends RecordBase {
  kind: 'message';
  phoneNumberId: string;
  /** Who the conversation is with: phone, or BSUID for username-only users. */
  contactKey: string;
  data: MessageRecordData;
}

export interface StatusRecord extends RecordBase {
  kind: 'status';
  phoneNumberId: string;
  contactKey: string;
  data: StatusRecordData;
}

/** Anything signed and parseable that we do not act on: kept, never refused. */
export interface IgnoredRecord extends RecordBase {
  kind: 'ignored';
  contactKey: null;
  reason: string;
  data: unknown;
}

export type WebhookRecord = MessageRecord | StatusRecord | IgnoredRecord;
