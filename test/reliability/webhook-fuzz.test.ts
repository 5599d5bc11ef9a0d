/**
 * Correctly signed garbage over real HTTP, generated with fast-check: random JSON, mutated real
 * payloads of every shape in the reference (fields missing, extra, of the wrong type, huge, deep,
 * NUL and lone surrogates), invalid UTF-8, truncated bodies, random bytes and a 3 MB batch.
 *
 * Invariants: the answer is 200 (every record the parser makes of the body is in the inbox) or a
 * clear 400 — never a 5xx; the service still answers /health; every valid message riding in a
 * mixed batch is processed; in the end nothing is left pending and nothing failed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStorableText } from '../../src/db/storable.js';
import { parseWebhook } from '../../src/whatsapp/webhook.js';
import { echoFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';
import { Tally, printFigures } from './support/figures.js';
import { runs } from './support/runs.js';
import { countByState, failedEvents, inboundMessagesFor, inboxStates } from './support/inbox.js';
import { applyMutations, mutationArb, noise } from './support/mutate.js';
import { PAYLOAD_NAMES, REFERENCE_PAYLOADS, entryOf, envelope, freshWamid, messagesChange, validTextEntry } from './support/payloads.js';
import { postSigned, type PostAnswer } from './support/signed-post.js';

const RUNS = runs({ randomJson: 200, envelopeShaped: 120, mutated: 300, invalidUtf8: 80, truncated: 100, randomBytes: 80 });
const ECHO_TRIGGER = 'fuzz-echo';
/** Generous: the machine may be shared with other test runs. */
const FUZZ_TIMEOUT_MS = 120_000;

let h: Harness;
const answers = new Tally();
const inputs = new Tally();
/** Wamids of valid messages sent inside batches that were answered 200: each must be processed. */
const mustProcess: string[] = [];
let senders = 0;
const nextSender = () => `1666${String(++senders).padStart(7, '0')}`;

beforeAll(async () => {
  h = await startHarness({ env: { SEND_PAIR_BURST: '1000' } });
  const { apiKey } = await h.createUser();
  await h.createFlow(apiKey, { trigger: ECHO_TRIGGER, definition: echoFlow('echo: {{input}}') });
});
afterAll(() => h.close());

/** Posts signed bytes and checks the answer: 200 with every parsed record stored, or a 400 that says why. */
async function postAndCheck(kind: string, raw: Buffer): Promise<PostAnswer> {
  inputs.add(kind);
  const answer = await postSigned(h.url, raw);
  answers.add(answer.status);
  expect([200, 400], `${kind}: ${answer.status} ${answer.body.slice(0, 200)}`).toContain(answer.status);
  if (answer.status === 400) {
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'malformed_body', message: expect.any(String) });
    return answer;
  }
  // The same reading of the bytes the service makes; every record it yields must be in the inbox.
  const keys = parseWebhook(withStorableText(JSON.parse(raw.toString('utf8')))).map((record) => record.dedupeKey);
  const stored = await inboxStates(h, keys);
  expect(keys.filter((key) => !stored.has(key)), kind).toEqual([]);
  return answer;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

/** A body with a valid message in an entry of its own beside `entries`; the message must get through. */
function mixedBatch(...entries: unknown[]): { body: unknown; wamid: string } {
  const wamid = freshWamid('valid');
  // No flow answers it: processed means recorded as the contact's inbound message.
  return { body: envelope(...entries, validTextEntry(nextSender(), wamid, 'still here')), wamid };
}

const DEEP = '@@nested-100000-levels@@';
const textMessage = (from: string, body: string) => ({ from, id: freshWamid('t'), timestamp: '1712345678', type: 'text', text: { body } });
const textEntry = (from: string, body: string) => entryOf(messagesChange({ contacts: [{ wa_id: from }], messages: [textMessage(from, body)] }));

async function expectHealthy(): Promise<void> {
  expect((await fetch(`${h.url}/health`)).status).toBe(200);
  expect((await fetch(`${h.url}/ready`)).status).toBe(200);
}

describe('signed garbage is stored or refused with a clear 400, never a 5xx', () => {
  it('random JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 }), async (value) => {
        const answer = await postAndCheck('randomJson', json(value));
        expect(answer.status).toBe(200);
      }),
      { numRuns: RUNS.randomJson },
    );
    await expectHealthy();
  }, FUZZ_TIMEOUT_MS);

  it('envelopes of random entries, changes and values', async () => {
    const anything = fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 });
    const change = fc.record({ field: fc.oneof(fc.constant('messages'), fc.string()), value: fc.oneof(fc.record({ metadata: fc.constant({ phone_number_id: PHONE_NUMBER_ID }), messages: fc.array(anything), statuses: fc.array(anything), contacts: anything }, { requiredKeys: ['metadata'] }), anything) }, { requiredKeys: [] });
    const entry = fc.oneof(fc.record({ id: fc.string(), changes: fc.array(change, { maxLength: 4 }) }), anything);
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 4 }), async (entries) => {
        const { body, wamid } = mixedBatch(...entries);
        const answer = await postAndCheck('envelopeShaped', json(body));
        expect(answer.status).toBe(200);
        mustProcess.push(wamid);
      }),
      { numRuns: RUNS.envelopeShaped },
    );
    await expectHealthy();
  }, FUZZ_TIMEOUT_MS);

  it('mutated real payloads of every shape in the reference, each beside a valid message', async () => {
    const mutated = fc.record({ name: fc.constantFrom(...PAYLOAD_NAMES), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
    await fc.assert(
      fc.asyncProperty(mutated, async ({ name, mutations }) => {
        const original = REFERENCE_PAYLOADS[name]!(nextSender());
        const { body, wamid } = mixedBatch(applyMutations(original, mutations));
        const answer = await postAndCheck('mutated', json(body));
        if (answer.status === 200) mustProcess.push(wamid);
      }),
      { numRuns: RUNS.mutated },
    );
    await expectHealthy();
  }, FUZZ_TIMEOUT_MS);

  it('invalid UTF-8 inside strings: stored with replacement characters, the message processed and answered', async () => {
    const badBytes = fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]);
    await fc.assert(
      fc.asyncProperty(fc.array(badBytes, { minLength: 1, maxLength: 4 }), async (sequences) => {
        const wamid = freshWamid('utf8');
        const marker = '@@BAD@@';
        const text = JSON.stringify(envelope(validTextEntry(nextSender(), wamid, `${ECHO_TRIGGER} ${marker}`)));
        const [before, after] = text.split(marker) as [string, string];
        const raw = Buffer.concat([Buffer.from(before), ...sequences.map((bytes) => Buffer.from(bytes)), Buffer.from(after)]);
        const answer = await postAndCheck('invalidUtf8', raw);
        expect(answer.status).toBe(200);
        mustProcess.push(wamid);
      }),
      { numRuns: RUNS.invalidUtf8 },
    );
  }, FUZZ_TIMEOUT_MS);

  it('truncated bodies are a 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAYLOAD_NAMES), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (name, share) => {
        const whole = json(envelope(REFERENCE_PAYLOADS[name]!(nextSender())));
        const answer = await postAndCheck('truncated', whole.subarray(0, Math.floor(whole.length * share)));
        expect(answer.status).toBe(400);
      }),
      { numRuns: RUNS.truncated },
    );
  }, FUZZ_TIMEOUT_MS);

  it('random bytes are a 400 unless they happen to be JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => {
        const raw = Buffer.from(bytes);
        const answer = await postAndCheck('randomBytes', raw);
        let isJson = true;
        try {
          JSON.parse(raw.toString('utf8'));
        } catch {
          isJson = false;
        }
        expect(answer.status).toBe(isJson ? 200 : 400);
      }),
      { numRuns: RUNS.randomBytes },
    );
    await expectHealthy();
  }, FUZZ_TIMEOUT_MS);

  it('a 3 MB batch of valid messages and garbage: 200, and every valid message processed', async () => {
    const messages = Array.from({ length: 500 }, (_, index) => {
      const from = nextSender();
      const wamid = freshWamid('big');
      mustProcess.push(wamid);
      return { from, wamid, body: noise(index + 1, 5_200) };
    });
    const garbage = Array.from({ length: 50 }, (_, index) => entryOf({ field: 'messages', value: { metadata: 'broken', blob: noise(1_000 + index, 8_000) } }));
    const valid = entryOf(
      messagesChange({
        contacts: messages.map(({ from }) => ({ profile: { name: 'Big' }, wa_id: from })),
        messages: messages.map(({ from, wamid, body }) => ({ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } })),
      }),
    );
    const raw = json(envelope(valid, ...garbage));
    expect(raw.length).toBeGreaterThan(3 * 1000 * 1000);
    const answer = await postAndCheck('threeMegabyteBatch', raw);
    expect(answer.status).toBe(200);
  }, FUZZ_TIMEOUT_MS);

  it.each<[string, (from: string) => unknown, number]>([
    ['null parts of a batch', () => entryOf(messagesChange({ messages: [null], statuses: [null], contacts: [null] })), 200],
    ['a null entry', () => null, 200],
    ['a NUL character in a text', (from) => textEntry(from, 'a\u0000b'), 200],
    ['a lone surrogate in a text', (from) => textEntry(from, 'broken \ud83d pair'), 200],
    ['a NUL character in a key', (from) => entryOf(messagesChange({ 'odd\u0000key': 1, messages: [textMessage(from, 'hi')] })), 200],
    ['an incompressible 10 kB wamid', (from) => entryOf(messagesChange({ messages: [{ ...textMessage(from, 'hi'), id: noise(1, 10_000) }] })), 200],
    ['an incompressible 10 kB sender', () => entryOf(messagesChange({ messages: [textMessage(noise(2, 10_000), 'hi')] })), 200],
    ['an incompressible 10 kB status id', (from) => entryOf(messagesChange({ statuses: [{ id: noise(3, 10_000), status: 'read', timestamp: '1', recipient_id: from }] })), 200],
    ['an incompressible 10 kB phone number id', (from) => entryOf(messagesChange({ messages: [textMessage(from, 'hi')] }, noise(4, 10_000))), 200],
    ['phone number ids that are not numbers', (from) => entryOf(messagesChange({ messages: [textMessage(from, 'a')] }, 'outbox:x'), messagesChange({ messages: [textMessage(from, 'b')] }, '1|2')), 200],
    ['a numeric timestamp past the last date JavaScript can hold', (from) => entryOf(messagesChange({ messages: [{ ...textMessage(from, 'hi'), timestamp: 9_000_000_000_000 }] })), 200],
    ['100 000 levels of nesting', () => DEEP, 400],
  ])('regression: %s', async (_name, part, status) => {
    const { body, wamid } = mixedBatch(part(nextSender()));
    // Too deep for JSON.stringify here too: the nesting is spliced into the text.
    const raw = JSON.stringify(body).replace(JSON.stringify(DEEP), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const answer = await postAndCheck('regression', Buffer.from(raw));
    expect(answer.status).toBe(status);
    if (status === 200) mustProcess.push(wamid);
  });

  it('processes every valid message of every batch it accepted, and leaves nothing pending or failed', async () => {
    await eventually(async () => (await inboundMessagesFor(h, mustProcess)) === mustProcess.length, 90_000);
    const states = await inboxStates(h, mustProcess.map((wamid) => `msg:${wamid}`));
    expect(new Set(states.values())).toEqual(new Set(['done']));
    const settled = await eventually(async () => {
      const counts = await countByState(h);
      return (counts.pending ?? 0) === 0 ? counts : null;
    }, 60_000);
    expect(await failedEvents(h)).toEqual([]);
    await expectHealthy();
    printFigures('webhook-fuzz', {
      inputs: inputs.total,
      inputsByKind: inputs.counts,
      answers: answers.counts,
      serverErrors: Object.entries(answers.counts).filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0),
      validMessagesInMixedBatches: mustProcess.length,
      inboxStates: settled,
    });
  }, 180_000);
});
