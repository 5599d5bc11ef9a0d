import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IgnoredRecord, MessageRecord, WebhookRecord } from '../../../src/whatsapp/inbound.js';
import { parseWebhook } from '../../../src/whatsapp/webhook.js';
import {
  contact,
  content,
  entry,
  envelope,
  message,
  messagesChange,
  messagesWebhook,
  PHONE_NUMBER_ID,
  status,
  statusesWebhook,
  TIMESTAMP,
  USER_ID,
  USER_PHONE,
  type Json,
} from './fixtures.js';

const RECEIVED_AT = 1_800_000_000_000;

function parse(body: unknown): WebhookRecord[] {
  return parseWebhook(body, { receivedAt: RECEIVED_AT });
}

function only<K extends WebhookRecord['kind']>(records: WebhookRecord[], kind: K): Extract<WebhookRecord, { kind: K }> {
  expect(records).toHaveLength(1);
  const [record] = records;
  expect(record?.kind).toBe(kind);
  return record as Extract<WebhookRecord, { kind: K }>;
}

function parseOne(messageContent: Json, overrides: Json = {}): MessageRecord {
  return only(parse(messagesWebhook(message(messageContent, overrides))), 'message');
}

function ignoredOne(body: unknown): IgnoredRecord {
  return only(parse(body), 'ignored');
}

describe('parseWebhook: messages', () => {
  it('turns a text message into a complete message record', () => {
    const raw = message(content.text);
    const record = only(parse(messagesWebhook(raw)), 'message');
    expect(record).toEqual({
      kind: 'message',
      dedupeKey: `msg:${String(raw.id)}`,
      phoneNumberId: PHONE_NUMBER_ID,
      contactKey: USER_PHONE,
      data: {
        wamid: raw.id,
        timestamp: Number(TIMESTAMP) * 1000,
        profile: { name: 'Jane', phone: USER_PHONE, userId: null },
        summary: { type: 'text', text: 'Hello there', reply: null, replyTo: null },
        raw,
      },
    });
    // Stored exactly as Meta sent it: the same object, not a parsed copy.
    expect(record.data.raw).toBe(raw);
  });

  it.each([
    ['buttonReply', { type: 'interactive', text: 'Yes please', reply: { kind: 'button_reply', id: 'yes', title: 'Yes please' }, replyTo: 'wamid.BUTTONS' }],
    ['listReply', { type: 'interactive', text: 'Large', reply: { kind: 'list_reply', id: 'row-2', title: 'Large' }, replyTo: 'wamid.LIST' }],
    ['nfmReply', { type: 'interactive', text: 'Sent', reply: null, replyTo: 'wamid.FLOW' }],
    ['templateButton', { type: 'button', text: 'Stop promotions', reply: { kind: 'button', id: 'STOP_PROMOS', title: 'Stop promotions' }, replyTo: 'wamid.TEMPLATE' }],
    ['image', { type: 'image', text: 'My receipt', reply: null, replyTo: null }],
    ['video', { type: 'video', text: null, reply: null, replyTo: null }],
    ['audio', { type: 'audio', text: null, reply: null, replyTo: null }],
    ['document', { type: 'document', text: 'Invoice', reply: null, replyTo: null }],
    ['sticker', { type: 'sticker', text: null, reply: null, replyTo: null }],
    ['location', { type: 'location', text: 'Philz Coffee', reply: null, replyTo: null }],
    ['contacts', { type: 'contacts', text: null, reply: null, replyTo: null }],
    ['reaction', { type: 'reaction', text: null, reply: null, replyTo: null }],
    ['reactionRemoved', { type: 'reaction', text: null, reply: null, replyTo: null }],
    ['order', { type: 'order', text: 'Please deliver after 6', reply: null, replyTo: null }],
    ['system', { type: 'system', text: null, reply: null, replyTo: null }],
  ] as const)('summarises %s', (name, summary) => {
    expect(parseOne(content[name]).data.summary).toEqual(summary);
  });

  it('summarises a location by its address, or not at all', () => {
    const withAddress = { type: 'location', location: { latitude: 1, longitude: 2, address: '1 Main St' } };
    const bare = { type: 'location', location: { latitude: 1, longitude: 2 } };
    expect(parseOne(withAddress).data.summary.text).toBe('1 Main St');
    expect(parseOne(bare).data.summary.text).toBeNull();
  });

  it('uses the text as the id of a template button without payload', () => {
    const reply = parseOne({ type: 'button', button: { text: 'Yes' } }).data.summary.reply;
    expect(reply).toEqual({ kind: 'button', id: 'Yes', title: 'Yes' });
  });

  it('takes replyTo from context.id on any message', () => {
    const record = parseOne(content.text, { context: { from: '15550783881', id: 'wamid.QUOTED' } });
    expect(record.data.summary.replyTo).toBe('wamid.QUOTED');
    expect(parseOne(content.text, { context: { forwarded: true } }).data.summary.replyTo).toBeNull();
  });

  it('accepts a system message without a contacts array', () => {
    const raw = message(content.system);
    const record = only(parse(envelope(entry(messagesChange({ messages: [raw] })))), 'message');
    expect(record.contactKey).toBe(USER_PHONE);
    expect(record.data.profile).toEqual({ name: null, phone: USER_PHONE, userId: null });
  });

  it.each([
    ['unsupported', 'message type "unsupported" is not handled'],
    ['unknown', 'message type "unknown" is not handled'],
  ] as const)('ignores %s messages and keeps the message as data', (name, reason) => {
    const raw = message(content[name]);
    const record = ignoredOne(messagesWebhook(raw));
    expect(record).toMatchObject({ reason, data: raw, phoneNumberId: PHONE_NUMBER_ID, contactKey: null });
  });

  it('ignores types it does not know, such as new ones Meta adds', () => {
    const record = ignoredOne(messagesWebhook(message({ type: 'request_welcome' })));
    expect(record.reason).toBe('message type "request_welcome" is not handled');
  });

  it.each([
    ['a text without body', { type: 'text', text: {} }, /^malformed text message: text\.body/],
    ['an interactive of an unknown kind', { type: 'interactive', interactive: { type: 'call_permission_reply' } }, /^malformed interactive message: interactive\.type/],
    ['a button reply without id', { type: 'interactive', interactive: { type: 'button_reply', button_reply: { title: 'x' } } }, /button_reply\.id/],
    ['a location without coordinates', { type: 'location', location: { name: 'x' } }, /^malformed location message: location\.latitude/],
    ['an image without id', { type: 'image', image: { mime_type: 'image/jpeg' } }, /^malformed image message: image\.id/],
    ['a reaction without message_id', { type: 'reaction', reaction: { emoji: '👍' } }, /reaction\.message_id/],
  ])('ignores %s with a reason naming the field', (_case, messageContent, reason) => {
    expect(ignoredOne(messagesWebhook(message(messageContent))).reason).toMatch(reason);
  });

  it('ignores a message without id or type', () => {
    expect(ignoredOne(messagesWebhook(message(content.text, { id: undefined }))).reason).toMatch(/^malformed message: id/);
    expect(ignoredOne(messagesWebhook(message({ text: { body: 'x' } }))).reason).toMatch(/^malformed message: type/);
  });

  it('ignores a message without any sender', () => {
    const record = ignoredOne(messagesWebhook(message(content.text, { from: undefined })));
    expect(record.reason).toMatch(/has no sender/);
  });

  it('keys a username-only user by BSUID and finds their profile by user_id', () => {
    const raw = message(content.text, { from: undefined, from_user_id: USER_ID });
    const body = envelope(entry(messagesChange({ contacts: [{ profile: { name: 'Neo' }, user_id: USER_ID }], messages: [raw] })));
    const record = only(parse(body), 'message');
    expect(record.contactKey).toBe(USER_ID);
    expect(record.data.profile).toEqual({ name: 'Neo', phone: null, userId: USER_ID });
  });

  it('keys a user by phone when Meta also sends their BSUID', () => {
    const raw = message(content.text, { from_user_id: USER_ID });
    const body = envelope(entry(messagesChange({ contacts: [contact('Jane', USER_PHONE, USER_ID)], messages: [raw] })));
    const record = only(parse(body), 'message');
    expect(record.contactKey).toBe(USER_PHONE);
    expect(record.data.profile).toEqual({ name: 'Jane', phone: USER_PHONE, userId: USER_ID });
  });

  it('takes the phone from the matching contact when only the BSUID is on the message', () => {
    const raw = message(content.text, { from: undefined, from_user_id: USER_ID });
    const body = envelope(entry(messagesChange({ contacts: [contact('Jane', USER_PHONE, USER_ID)], messages: [raw] })));
    const record = only(parse(body), 'message');
    expect(record.contactKey).toBe(USER_PHONE);
  });

  it.each([
    ['contacts missing', undefined],
    ['contacts not an array', 'nope'],
    ['profile missing', [{ wa_id: USER_PHONE }]],
    ['profile.name missing', [{ profile: {}, wa_id: USER_PHONE }]],
    ['profile.name not a string', [{ profile: { name: 7 }, wa_id: USER_PHONE }]],
    ['contact for someone else', [contact('Other', '15550000000')]],
    ['contact entries that are not objects', [null, 3, 'x']],
  ])('keeps the message with a null name when %s', (_case, contacts) => {
    const raw = message(content.text);
    const body = envelope(entry(messagesChange({ ...(contacts === undefined ? {} : { contacts }), messages: [raw] })));
    const record = only(parse(body), 'message');
    expect(record.data.profile).toEqual({ name: null, phone: USER_PHONE, userId: null });
  });

  it("matches each message of a batch to its own sender's profile", () => {
    const fromAnn = message(content.text, { from: '111' });
    const fromBob = message(content.text, { from: '222' });
    const body = envelope(entry(messagesChange({ contacts: [contact('Bob', '222'), contact('Ann', '111')], messages: [fromAnn, fromBob] })));
    const names = parse(body).map((record) => (record.kind === 'message' ? record.data.profile.name : null));
    expect(names).toEqual(['Ann', 'Bob']);
  });

  it('converts timestamps to ms and falls back to the arrival time when they are unusable', () => {
    expect(parseOne(content.text, { timestamp: '0' }).data.timestamp).toBe(0);
    expect(parseOne(content.text, { timestamp: 1712345678 }).data.timestamp).toBe(1712345678000);
    // The last second of the year 9999: later ones PostgreSQL cannot store (a six-digit year).
    expect(parseOne(content.text, { timestamp: 253_402_300_799 }).data.timestamp).toBe(253_402_300_799_000);
    expect(parseOne(content.text, { timestamp: '253402300799' }).data.timestamp).toBe(253_402_300_799_000);
    const unusable = [undefined, '', 'soon', '1.5', '-1', 1.5, -3, null, {}, '99999999999999999999', 9_000_000_000_000, Number.MAX_SAFE_INTEGER];
    for (const timestamp of [...unusable, 253_402_300_800, '253402300800', 999_999_999_999, '999999999999']) {
      expect(parseOne(content.text, { timestamp }).data.timestamp).toBe(RECEIVED_AT);
    }
  });

  it('uses the current time when no arrival time is given', () => {
    const before = Date.now();
    const [record] = parseWebhook(messagesWebhook(message(content.text, { timestamp: 'bad' })));
    expect(record?.kind === 'message' && record.data.timestamp).toBeGreaterThanOrEqual(before);
  });
});

describe('parseWebhook: statuses', () => {
  it.each(['sent', 'delivered', 'read', 'played'] as const)('turns a %s status into a status record', (name) => {
    const raw = status(name, { biz_opaque_callback_data: 'tag', pricing: { billable: false } });
    const record = only(parse(statusesWebhook(raw)), 'status');
    expect(record).toEqual({
      kind: 'status',
      dedupeKey: `status:wamid.OUT1:${name}`,
      phoneNumberId: PHONE_NUMBER_ID,
      contactKey: USER_PHONE,
      data: { wamid: 'wamid.OUT1', status: name, timestamp: Number(TIMESTAMP) * 1000, recipient: USER_PHONE, error: null, errorCode: null, raw },
    });
  });

  it('carries the first error of a failed status', () => {
    const errors = [
      { code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed since the recipient last replied', error_data: { details: 'x' } },
      { code: 1, title: 'Other' },
    ];
    const record = only(parse(statusesWebhook(status('failed', { errors }))), 'status');
    expect(record.data).toMatchObject({ status: 'failed', error: 'Re-engagement message', errorCode: 131047 });
  });

  it.each([
    [[{ code: 131026, message: 'Message undeliverable' }], 'Message undeliverable', 131026],
    [[{ code: 131026 }], 'error 131026', 131026],
    [[{}], null, null],
    [[], null, null],
    ['not a list', null, null],
  ])('falls back from title to message to code: %j', (errors, error, errorCode) => {
    const record = only(parse(statusesWebhook(status('failed', { errors }))), 'status');
    expect(record.data).toMatchObject({ error, errorCode });
  });

  it('keys a status by recipient_user_id when there is no recipient_id', () => {
    const raw = status('delivered', { recipient_id: undefined, recipient_user_id: USER_ID });
    expect(only(parse(statusesWebhook(raw)), 'status').contactKey).toBe(USER_ID);
  });

  it.each([
    ['an unknown status', status('deleted'), /^malformed status: status/],
    ['a status without id', status('sent', { id: undefined }), /^malformed status: id/],
    ['a status without recipient', status('sent', { recipient_id: undefined }), /has no recipient/],
    ['a status that is not an object', 'sent', /^malformed status/],
  ])('ignores %s', (_case, raw, reason) => {
    const record = ignoredOne(statusesWebhook(raw));
    expect(record.reason).toMatch(reason);
    expect(record.data).toEqual(raw);
  });
});

describe('parseWebhook: batches', () => {
  it('handles every entry, change, message and status, in order', () => {
    const change = (phoneNumberId: string, tag: string): Json =>
      messagesChange(
        {
          contacts: [contact()],
          messages: [message(content.text, { id: `wamid.${tag}.m1` }), message(content.image, { id: `wamid.${tag}.m2` })],
          statuses: [status('sent', { id: `wamid.${tag}.s1` }), status('read', { id: `wamid.${tag}.s1` })],
        },
        phoneNumberId,
      );
    const body = envelope(entry(change('101', 'a'), change('101', 'b')), entry(change('102', 'c'), change('102', 'd')));
    const records = parse(body);
    expect(records.map((record) => record.dedupeKey)).toEqual(
      ['a', 'b', 'c', 'd'].flatMap((tag) => [
        `msg:wamid.${tag}.m1`,
        `msg:wamid.${tag}.m2`,
        `status:wamid.${tag}.s1:sent`,
        `status:wamid.${tag}.s1:read`,
      ]),
    );
    expect(records.map((record) => record.phoneNumberId)).toEqual([...Array(8).fill('101'), ...Array(8).fill('102')]);
  });

  it('keeps the rest of a batch when parts of it are unusable', () => {
    const good = message(content.text);
    const body = envelope(
      entry(
        messagesChange({ messages: [message(content.unsupported), good, null, message({ type: 'text' })], statuses: [status('sent'), 42] }),
        { field: 'account_update', value: { phone_number: '15550783881', event: 'VERIFIED_ACCOUNT' } },
      ),
      'not an entry',
    );
    const kinds = parse(body).map((record) => record.kind);
    expect(kinds).toEqual(['ignored', 'message', 'ignored', 'ignored', 'status', 'ignored', 'ignored', 'ignored']);
  });

  it('keeps one record per dedupe key within a batch', () => {
    const raw = message(content.text);
    const body = envelope(entry(messagesChange({ messages: [raw, raw], statuses: [status('sent'), status('sent')] })));
    expect(parse(body).map((record) => record.dedupeKey)).toEqual([`msg:${String(raw.id)}`, 'status:wamid.OUT1:sent']);
  });
});

describe('parseWebhook: changes it does not act on', () => {
  it.each(['message_template_status_update', 'account_update', 'account_alerts', 'user_preferences', 'smb_message_echoes', 'history'])(
    'ignores field %s',
    (field) => {
      const change = { field, value: { event: 'x' } };
      const record = ignoredOne(envelope(entry(change)));
      expect(record).toMatchObject({ reason: `field "${field}" is not handled`, data: change, phoneNumberId: null });
    },
  );

  it('routes an ignored change that names its phone number', () => {
    const change = { field: 'smb_message_echoes', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, message_echoes: [] } };
    expect(ignoredOne(envelope(entry(change))).phoneNumberId).toBe(PHONE_NUMBER_ID);
  });

  it('ignores value.errors with the codes and titles as reason, still parsing the rest', () => {
    const errors = [{ code: 131000, title: 'Something went wrong', message: 'x', error_data: { details: 'y' } }, { code: 2 }, 'odd'];
    const records = parse(envelope(entry(messagesChange({ messages: [message(content.text)], errors }))));
    expect(records.map((record) => record.kind)).toEqual(['message', 'ignored']);
    expect(records[1]).toMatchObject({
      reason: 'webhook errors: 131000 Something went wrong; 2; unreadable error',
      data: errors,
      phoneNumberId: PHONE_NUMBER_ID,
    });
  });

  it('ignores a messages change with nothing in it, or without metadata', () => {
    expect(ignoredOne(envelope(entry(messagesChange({})))).reason).toBe('messages change without messages, statuses or errors');
    expect(ignoredOne(envelope(entry({ field: 'messages', value: { messages: [] } }))).reason).toMatch(/^malformed messages change: metadata/);
    expect(ignoredOne(envelope(entry(messagesChange({ messages: 'x' })))).reason).toMatch(/^malformed messages change: messages/);
  });
});

describe('parseWebhook: garbage', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['a number', 42],
    ['a string', 'whatsapp_business_account'],
    ['an array', [envelope()]],
    ['an empty object', {}],
    ['another product', { object: 'page', entry: [] }],
    ['an envelope without entry', { object: 'whatsapp_business_account' }],
    ['an envelope whose entry is not a list', { object: 'whatsapp_business_account', entry: {} }],
    ['undefined', undefined],
  ])('makes one ignored record of %s', (_case, body) => {
    const record = ignoredOne(body);
    expect(record.reason).toBe('not a whatsapp_business_account webhook');
    expect(record.data).toBe(body);
  });

  it('makes nothing of an envelope without entries', () => {
    expect(parse(envelope())).toEqual([]);
  });

  it('makes an ignored record of each bad entry and change', () => {
    const records = parse(envelope(null, 1, 'x', [], { changes: 'x' }, entry(false, 7, { field: 3 }, { value: {} })));
    expect(records.map((record) => (record.kind === 'ignored' ? record.reason.split(':')[0] : record.kind))).toEqual([
      'malformed entry',
      'malformed entry',
      'malformed entry',
      'malformed entry',
      'malformed entry',
      'malformed change',
      'malformed change',
      'malformed change',
      'malformed change',
    ]);
  });

  it('survives keys such as __proto__ and constructor', () => {
    const body: unknown = JSON.parse(
      `{"object":"whatsapp_business_account","entry":[{"__proto__":{"changes":[]},"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"103"},"contacts":[{"constructor":1,"wa_id":"1","profile":{"name":"A"}}],"messages":[{"__proto__":{"id":"x"},"from":"1","id":"wamid.P","timestamp":"1","type":"text","text":{"body":"hi"}}]}}]}]}`,
    );
    expect(parse(body).map((record) => record.kind)).toEqual(['message']);
  });

  it('gives ignored parts a key that is stable across redeliveries and differs between parts', () => {
    const body = (): Json => envelope(entry({ field: 'account_update', value: { event: 'A' } }, { field: 'account_update', value: { event: 'B' } }));
    const first = parse(body()).map((record) => record.dedupeKey);
    const again = parse(body()).map((record) => record.dedupeKey);
    expect(first).toEqual(again);
    expect(new Set(first).size).toBe(2);
    for (const key of first) expect(key).toMatch(/^ignored:[0-9a-f]{64}$/);
  });

  it('keeps notices alike but for their entry\'s time apart, and a redelivery of one together', () => {
    const change = { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 55 } };
    const at = (time: number) => envelope({ ...(entry(change) as Record<string, unknown>), time });
    const [approved] = parse(at(1_700_000_000)).map((record) => record.dedupeKey);
    const [again] = parse(at(1_700_090_000)).map((record) => record.dedupeKey);
    expect(again).not.toBe(approved);
    expect(parse(at(1_700_000_000)).map((record) => record.dedupeKey)).toEqual([approved]);
    // Two error notices with the same errors but other fields apart are two notices too.
    const notice = (extra: string) => envelope(entry(messagesChange({ errors: [{ code: 131000 }], extra })));
    expect(parse(notice('a'))[0]!.dedupeKey).not.toBe(parse(notice('b'))[0]!.dedupeKey);
  });

  it('keeps identical notices for two phone numbers apart', () => {
    const errors = [{ code: 131000, title: 'Something went wrong' }];
    const records = parse(envelope(entry(messagesChange({ errors }, '101'), messagesChange({ errors }, '102'))));
    expect(records).toHaveLength(2);
  });
});

describe('parseWebhook: properties', () => {
  const kinds = new Set(['message', 'status', 'ignored']);

  function checkRecords(records: WebhookRecord[]): void {
    expect(new Set(records.map((record) => record.dedupeKey)).size).toBe(records.length);
    for (const record of records) {
      expect(kinds.has(record.kind)).toBe(true);
      expect(record.dedupeKey.length).toBeGreaterThan(0);
      if (record.kind === 'message') {
        expect(record.dedupeKey).toBe(`msg:${record.data.wamid}`);
        expect(record.contactKey.length).toBeGreaterThan(0);
        expect(Number.isFinite(record.data.timestamp)).toBe(true);
      }
      if (record.kind === 'status') expect(record.contactKey.length).toBeGreaterThan(0);
    }
    // Records are plain JSON: they go to the inbox as they are.
    expect(() => JSON.stringify(records)).not.toThrow();
  }

  it('never throws for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        checkRecords(parseWebhook(body));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for near-valid webhooks', () => {
    const anything = fc.jsonValue({ maxDepth: 2 });
    const types = ['text', 'interactive', 'button', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'reaction', 'order', 'system', 'unsupported', 'x'];
    const messageArb = fc.record(
      {
        id: fc.oneof(fc.string(), anything),
        from: fc.oneof(fc.string(), anything),
        from_user_id: fc.oneof(fc.string(), anything),
        timestamp: fc.oneof(fc.nat().map(String), anything),
        type: fc.oneof(fc.constantFrom(...types), anything),
        text: fc.oneof(fc.record({ body: fc.string() }), anything),
        interactive: fc.oneof(
          fc.record({ type: fc.constantFrom('button_reply', 'list_reply', 'nfm_reply'), button_reply: anything, list_reply: anything, nfm_reply: anything }),
          anything,
        ),
        image: anything,
        location: fc.oneof(fc.record({ latitude: fc.double(), longitude: fc.double() }), anything),
        context: anything,
      },
      { requiredKeys: [] },
    );
    const statusArb = fc.record(
      {
        id: fc.oneof(fc.string(), anything),
        status: fc.oneof(fc.constantFrom('sent', 'delivered', 'read', 'played', 'failed'), anything),
        recipient_id: fc.oneof(fc.string(), anything),
        errors: anything,
      },
      { requiredKeys: [] },
    );
    const valueArb = fc.record(
      {
        metadata: fc.oneof(fc.record({ phone_number_id: fc.string() }), anything),
        contacts: fc.oneof(fc.array(fc.record({ wa_id: fc.string(), profile: anything }, { requiredKeys: [] })), anything),
        messages: fc.oneof(fc.array(fc.oneof(messageArb, anything)), anything),
        statuses: fc.oneof(fc.array(fc.oneof(statusArb, anything)), anything),
        errors: anything,
      },
      { requiredKeys: [] },
    );
    const changeArb = fc.record({ field: fc.oneof(fc.constant('messages'), anything), value: fc.oneof(valueArb, anything) }, { requiredKeys: [] });
    const bodyArb = fc.record({
      object: fc.oneof(fc.constant('whatsapp_business_account'), anything),
      entry: fc.oneof(fc.array(fc.oneof(fc.record({ changes: fc.array(changeArb) }), anything)), anything),
    });
    fc.assert(
      fc.property(bodyArb, (body) => {
        checkRecords(parseWebhook(body));
      }),
      { numRuns: 1000 },
    );
  });
});
