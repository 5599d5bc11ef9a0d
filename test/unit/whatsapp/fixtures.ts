/** Webhook payloads in the shapes of reference §2, written out as Meta sends them. */

export const PHONE_NUMBER_ID = '106540352242922';
export const USER_PHONE = '15551234567';
export const USER_ID = 'US.13491208655302741918';
export const TIMESTAMP = '1712345678';

export type Json = Record<string, unknown>;

export function envelope(...entries: unknown[]): Json {
  return { object: 'whatsapp_business_account', entry: entries };
}

export function entry(...changes: unknown[]): Json {
  return { id: '102290129340398', changes };
}

export function messagesChange(value: Json, phoneNumberId = PHONE_NUMBER_ID): Json {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
      ...value,
    },
  };
}

export function contact(name: string | undefined = 'Jane', phone = USER_PHONE, userId?: string): Json {
  return {
    profile: name === undefined ? {} : { name },
    wa_id: phone,
    ...(userId === undefined ? {} : { user_id: userId }),
  };
}

let counter = 0;

/** A message from USER_PHONE with a fresh wamid; `content` is `{ type, [type]: … }` and extras. */
export function message(content: Json, overrides: Json = {}): Json {
  counter += 1;
  return { from: USER_PHONE, id: `wamid.HBgL${counter}`, timestamp: TIMESTAMP, ...content, ...overrides };
}

/** A whole webhook with these messages from Jane. */
export function messagesWebhook(...messages: Json[]): Json {
  return envelope(entry(messagesChange({ contacts: [contact()], messages })));
}

export function status(status: string, overrides: Json = {}): Json {
  return { id: 'wamid.OUT1', status, timestamp: TIMESTAMP, recipient_id: USER_PHONE, ...overrides };
}

export function statusesWebhook(...statuses: unknown[]): Json {
  return envelope(entry(messagesChange({ statuses })));
}

export const content = {
  text: { type: 'text', text: { body: 'Hello there' } },
  buttonReply: {
    type: 'interactive',
    context: { from: '15550783881', id: 'wamid.BUTTONS' },
    interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
  },
  listReply: {
    type: 'interactive',
    context: { from: '15550783881', id: 'wamid.LIST' },
    interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Large', description: '40 cm' } },
  },
  nfmReply: {
    type: 'interactive',
    context: { from: '15550783881', id: 'wamid.FLOW' },
    interactive: {
      type: 'nfm_reply',
      nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t","size":"L"}' },
    },
  },
  templateButton: {
    type: 'button',
    context: { from: '15550783881', id: 'wamid.TEMPLATE' },
    button: { payload: 'STOP_PROMOS', text: 'Stop promotions' },
  },
  image: { type: 'image', image: { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc', caption: 'My receipt' } },
  video: { type: 'video', video: { id: '1479537139650974', mime_type: 'video/mp4', sha256: 'abc' } },
  audio: { type: 'audio', audio: { id: '1479537139650975', mime_type: 'audio/ogg; codecs=opus', sha256: 'abc', voice: true } },
  document: {
    type: 'document',
    document: { id: '1479537139650976', mime_type: 'application/pdf', sha256: 'abc', caption: 'Invoice', filename: 'inv.pdf' },
  },
  sticker: { type: 'sticker', sticker: { id: '1479537139650977', mime_type: 'image/webp', sha256: 'abc', animated: false } },
  location: {
    type: 'location',
    location: { latitude: 38.9, longitude: -77.03, name: 'Philz Coffee', address: '1 Main St', url: 'https://x.test' },
  },
  contacts: {
    type: 'contacts',
    contacts: [{ name: { formatted_name: 'John Smith', first_name: 'John' }, phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }] }],
  },
  reaction: { type: 'reaction', reaction: { message_id: 'wamid.OUT1', emoji: '👍' } },
  reactionRemoved: { type: 'reaction', reaction: { message_id: 'wamid.OUT1' } },
  order: {
    type: 'order',
    order: {
      catalog_id: 'cat-1',
      text: 'Please deliver after 6',
      product_items: [{ product_retailer_id: 'sku-1', quantity: 2, item_price: 9.5, currency: 'USD' }],
    },
  },
  system: {
    type: 'system',
    system: { body: 'User A changed from 15551234567 to 15557654321', type: 'user_changed_number', wa_id: '15557654321' },
  },
  unsupported: {
    type: 'unsupported',
    unsupported: { type: 'poll' },
    errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'x' } }],
  },
  unknown: {
    type: 'unknown',
    errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }],
  },
} satisfies Record<string, Json>;
