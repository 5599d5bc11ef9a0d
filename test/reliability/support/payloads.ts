/**
 * One real webhook payload for every shape in the Cloud API reference: each inbound message
 * type (the unit fixtures' catalogue), each status, change-level errors and the other webhook
 * fields. Built fresh with new wamids, for the tenant's phone number id.
 */
import { content, status, type Json } from '../../unit/whatsapp/fixtures.js';
import { PHONE_NUMBER_ID } from '../../support/harness.js';

let counter = 0;
export const freshWamid = (label: string) => `wamid.rel-${label}-${process.pid}-${++counter}`;

export function metadata(phoneNumberId = PHONE_NUMBER_ID): Json {
  return { display_phone_number: '15550001111', phone_number_id: phoneNumberId };
}

/** A `messages` change holding `value`, for the tenant's number. */
export function messagesChange(value: Json, phoneNumberId = PHONE_NUMBER_ID): Json {
  return { field: 'messages', value: { messaging_product: 'whatsapp', metadata: metadata(phoneNumberId), ...value } };
}

export function envelope(...entries: unknown[]): Json {
  return { object: 'whatsapp_business_account', entry: entries };
}

export function entryOf(...changes: unknown[]): Json {
  return { id: 'waba-reliability', changes };
}

/** A valid text message from `from`, in its own entry: the part of a mixed batch that must get through. */
export function validTextEntry(from: string, wamid: string, body = 'still here'): Json {
  return entryOf(
    messagesChange({
      contacts: [{ profile: { name: 'Valid Sender' }, wa_id: from }],
      messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
    }),
  );
}

type PayloadBuilder = (from: string) => Json;

const message = (from: string, body: Json, extra: Json = {}): Json => ({
  from,
  id: freshWamid('m'),
  timestamp: String(Math.floor(Date.now() / 1000)),
  ...body,
  ...extra,
});

const withMessage = (body: Json, extra: Json = {}): PayloadBuilder => (from) =>
  entryOf(messagesChange({ contacts: [{ profile: { name: 'Fuzz' }, wa_id: from }], messages: [message(from, body, extra)] }));

const withStatus = (state: string, extra: Json = {}): PayloadBuilder => (from) =>
  entryOf(messagesChange({ statuses: [status(state, { id: freshWamid('s'), recipient_id: from, ...extra })] }));

const otherField = (field: string, value: Json): PayloadBuilder => () => entryOf({ field, value });

/** Every shape, by name; each builder returns one entry for the tenant's number. */
export const REFERENCE_PAYLOADS: Readonly<Record<string, PayloadBuilder>> = {
  ...Object.fromEntries(Object.entries(content).map(([name, body]) => [`message:${name}`, withMessage(body)])),
  'message:referral': withMessage(content.text, {
    referral: { source_url: 'https://fb.me/x', source_id: '1', source_type: 'ad', body: 'b', headline: 'h', media_type: 'image', ctwa_clid: 'c' },
  }),
  'message:forwarded': withMessage(content.text, { context: { forwarded: true, frequently_forwarded: true } }),
  'message:username-only': (from) =>
    entryOf(
      messagesChange({
        contacts: [{ profile: { name: 'Username' }, user_id: `US.${from}` }],
        messages: [{ from_user_id: `US.${from}`, id: freshWamid('u'), timestamp: '1712345678', type: 'text', text: { body: 'hi' } }],
      }),
    ),
  'status:sent': withStatus('sent', { conversation: { id: 'c', origin: { type: 'service' } }, pricing: { billable: true, category: 'service' } }),
  'status:delivered': withStatus('delivered'),
  'status:read': withStatus('read'),
  'status:played': withStatus('played'),
  'status:failed': withStatus('failed', { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'x' } }] }),
  'status:tagged': withStatus('delivered', { biz_opaque_callback_data: 'tag-123' }),
  'value:errors': () => entryOf(messagesChange({ errors: [{ code: 131000, title: 'Something went wrong', message: 'x' }] })),
  'field:account_update': otherField('account_update', { phone_number: '15550001111', event: 'VERIFIED_ACCOUNT' }),
  'field:message_template_status_update': otherField('message_template_status_update', { event: 'APPROVED', message_template_id: 1, message_template_name: 'x' }),
  'field:account_alerts': otherField('account_alerts', { entity_type: 'WABA', alert_info: { alert_severity: 'INFORMATIONAL' } }),
  'field:user_preferences': otherField('user_preferences', { metadata: metadata(), user_preferences: [{ wa_id: '1555', value: 'stop' }] }),
  'field:smb_message_echoes': otherField('smb_message_echoes', { metadata: metadata(), message_echoes: [{ from: '15550001111', to: '1555', type: 'text' }] }),
  'field:history': otherField('history', { metadata: metadata(), history: [{ threads: [] }] }),
};

export const PAYLOAD_NAMES = Object.keys(REFERENCE_PAYLOADS);
