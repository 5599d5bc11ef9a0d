/**
 * X-Hub-Signature-256 over real HTTP, on raw bytes: malformed headers, valid signatures on
 * modified bodies (fast-check flips bytes), Meta's escaped unicode and slashes, and per-tenant
 * app secrets — a tenant's secret only ever vouches for that tenant's own numbers. Refused
 * requests store nothing. Unsigned bodies cannot make the service do unbounded work.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest } from '../../src/ingest/ingest.js';
import type { Tenant, TenantDirectory } from '../../src/tenants/directory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { signatureHeader } from '../../src/whatsapp/signature.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';
import { Tally, printFigures } from './support/figures.js';
import { envelope, freshWamid, messagesChange, entryOf, validTextEntry } from './support/payloads.js';
import { postRaw } from './support/signed-post.js';

const TENANT_B_NUMBER = '300400500';
const TENANT_B_SECRET = 'tenant-b-own-app-secret';

let h: Harness;
let simulator: Simulator;
const outcomes = new Tally();

beforeAll(async () => {
  // No status webhooks: "nothing stored" is measured on the inbox's size.
  simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } }, statuses: [] });
  h = await startHarness({ simulator });
  const { apiKey } = await h.createUser();
  await h.createFlow(apiKey, { trigger: 'default', definition: echoFlow('echo: {{input}}') });
  h.simulator.addPhoneNumber(TENANT_B_NUMBER, { accessToken: 'EAAG-tenant-b' });
  const created = await h.api('POST', '/api/v1/users', { name: 'B', metaPhoneNumberId: TENANT_B_NUMBER, metaAccessToken: 'EAAG-tenant-b', appSecret: TENANT_B_SECRET }, h.env.ADMIN_TOKEN);
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await h.close();
  await simulator.close();
});

const inboxSize = () => queryCount(h, sql`select count(*)::int as n from inbound_events`);

/** Posts and records whether the answer was the expected one. */
async function post(body: string | Buffer, header: string | undefined): Promise<number> {
  const { status } = await postRaw(h.url, body, header === undefined ? {} : { 'x-hub-signature-256': header });
  outcomes.add(status === 401 ? 'refused' : `accepted:${status}`);
  return status;
}

/** Meta's own way of writing JSON: escaped slashes and non-ASCII characters. */
const metaStyleBody = (wamid: string, from: string) =>
  `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"${PHONE_NUMBER_ID}"},"contacts":[{"profile":{"name":"J\\u00e4ne \\/ D\\u00f6e"},"wa_id":"${from}"}],"messages":[{"from":"${from}","id":"${wamid}","timestamp":"1712345678","type":"text","text":{"body":"caf\\u00e9 \\/ 50\\u0040 \\ud83d\\ude00 https:\\/\\/example.com\\/a?b=1"}}]}}]}]}`;

describe('malformed and wrong signature headers are refused with 401, storing nothing', () => {
  const body = Buffer.from(JSON.stringify(envelope(validTextEntry('15557770001', freshWamid('sig'), 'hello'))));
  const valid = signatureHeader(APP_SECRET, body);
  const hex = valid.slice('sha256='.length);

  it.each<[string, string | undefined]>([
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', hex],
    ['with another algorithm', `sha1=${hex}`],
    ['with an uppercase prefix', `SHA256=${hex}`],
    ['with a colon for the equals sign', `sha256:${hex}`],
    ['one digit short', valid.slice(0, -1)],
    ['one digit long', `${valid}0`],
    ['with an empty digest', 'sha256='],
    ['with non-hex digits', `sha256=${'g'.repeat(64)}`],
    ['of another secret', signatureHeader('some-other-secret', body)],
    ['of an empty secret', signatureHeader('', body)],
    ['twice in one header', `${valid}, ${valid}`],
    ['of the body with a byte more', signatureHeader(APP_SECRET, Buffer.concat([body, Buffer.from(' ')]))],
  ])('a header %s', async (_case, header) => {
    const before = await inboxSize();
    expect(await post(body, header)).toBe(401);
    expect(await inboxSize()).toBe(before);
  });

  it('accepts the valid signature, in lowercase or uppercase hex', async () => {
    expect(await post(body, valid)).toBe(200);
    expect(await post(body, `sha256=${hex.toUpperCase()}`)).toBe(200);
  });

  it('refuses random header values (fast-check)', async () => {
    const before = await inboxSize();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^[\x21-\x7e]{0,90}$/), fc.stringMatching(/^sha256=[0-9a-fA-F]{60,68}$/)), async (header) => {
        fc.pre(header.toLowerCase() !== valid);
        expect(await post(body, header)).toBe(401);
      }),
      { numRuns: 150 },
    );
    expect(await inboxSize()).toBe(before);
  });

  it('refuses a valid signature over a body with any byte changed (fast-check)', async () => {
    const before = await inboxSize();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
        const modified = Buffer.from(body);
        modified[position] = modified[position]! ^ mask;
        expect(await post(modified, valid)).toBe(401);
      }),
      { numRuns: 150 },
    );
    expect(await inboxSize()).toBe(before);
  });
});

describe('the signature is checked on the raw bytes', () => {
  it('accepts Meta-style escapes and stores the decoded text; re-serialised JSON no longer matches', async () => {
    const wamid = freshWamid('raw');
    const raw = Buffer.from(metaStyleBody(wamid, '15557770002'));
    const header = signatureHeader(APP_SECRET, raw);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialised.equals(raw)).toBe(false);
    expect(await post(reserialised, header)).toBe(401);
    expect(await post(raw, header)).toBe(200);
    const [row] = await eventually(() =>
      queryRows<{ content: string }>(h, sql`select content from "Message" where "waMessageId" = ${wamid}`).then((rows) => (rows.length ? rows : null)),
    );
    expect(row!.content).toBe('café / 50@ 😀 https://example.com/a?b=1');
  });
});

describe('per-tenant app secrets', () => {
  const signedByB = (body: unknown) => {
    const raw = Buffer.from(JSON.stringify(body));
    return { raw, header: signatureHeader(TENANT_B_SECRET, raw) };
  };
  const textChange = (phoneNumberId: string, from: string, wamid: string) =>
    messagesChange({ contacts: [{ wa_id: from }], messages: [{ from, id: wamid, timestamp: '1712345678', type: 'text', text: { body: 'forged?' } }] }, phoneNumberId);
  const inboundStored = (wamid: string) => queryCount(h, sql`select count(*)::int as n from inbound_events where dedupe_key = ${`msg:${wamid}`}`);

  it("accepts the tenant's own secret for its own number", async () => {
    const wamid = freshWamid('b-own');
    const { raw, header } = signedByB(envelope(entryOf(textChange(TENANT_B_NUMBER, '15557770003', wamid))));
    expect(await post(raw, header)).toBe(200);
    expect(await inboundStored(wamid)).toBe(1);
  });

  it("refuses a tenant's secret for another tenant's number", async () => {
    const wamid = freshWamid('b-forges-a');
    const { raw, header } = signedByB(envelope(entryOf(textChange(PHONE_NUMBER_ID, '15557770004', wamid))));
    expect(await post(raw, header)).toBe(401);
    expect(await inboundStored(wamid)).toBe(0);
  });

  it("never lets a tenant's secret carry messages for another tenant's number beside its own", async () => {
    const own = freshWamid('b-own-beside');
    const forged = freshWamid('b-forged-beside');
    const body = envelope(entryOf(textChange(TENANT_B_NUMBER, '15557770005', own), textChange(PHONE_NUMBER_ID, '15557770006', forged)));
    const { raw, header } = signedByB(body);
    expect(await post(raw, header)).toBe(200);
    expect(await inboundStored(own)).toBe(1);
    expect(await inboundStored(forged)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.simulator.sent.filter((message) => message.to === '15557770006')).toEqual([]);
  });
});

describe('unsigned bodies cost bounded work', () => {
  /** The ingest with a directory that counts lookups, so the bound is exact, not timed. */
  function countingIngest() {
    let lookups = 0;
    const tenants: TenantDirectory = {
      byPhoneNumberId: async () => {
        lookups += 1;
        return null as Tenant | null;
      },
      byId: async () => null,
      reloadByPhoneNumberId: async () => null,
      invalidate: () => {},
    };
    const ingest = createIngest({
      appSecret: APP_SECRET,
      tenants,
      writer: { write: async () => new Set() },
      queue: { notify: async () => {}, notifyLater: () => {}, consume: () => {}, close: async () => {} } as never,
      onNotifyError: () => {},
    });
    return { ingest, lookups: () => lookups };
  }

  it.each([
    ['20 000 numeric phone number ids', (i: number) => `9${i}`, 10],
    ['ids that no tenant can own (NUL, huge, not numeric)', (i: number) => (i % 2 ? `\u0000${i}` : 'x'.repeat(10_000 + i)), 0],
  ])('an unsigned body naming %s looks up at most a few tenants', async (_case, idOf, maxLookups) => {
    const { ingest, lookups } = countingIngest();
    const changes = Array.from({ length: 20_000 }, (_, i) => ({ field: 'messages', value: { metadata: { phone_number_id: idOf(i) } } }));
    const raw = Buffer.from(JSON.stringify(envelope({ id: '1', changes })));
    expect(await ingest.receive(raw, `sha256=${'0'.repeat(64)}`)).toMatchObject({ kind: 'unsigned' });
    expect(lookups()).toBeLessThanOrEqual(maxLookups);
    outcomes.add('refused');
  });

  it('prints the figures', () => {
    printFigures('webhook-signature', { cases: outcomes.total, outcomes: outcomes.counts });
  });
});
