/**
 * What the worker does for the engine beyond replies: durable timers (delays and timeouts, across
 * a restart), HTTP requests with the SSRF guard (and their results during a takeover), goto
 * another flow, and handoff.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';
import { heldApi } from '../support/held-api.js';

const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}-${sourceHandle ?? 'next'}`, source, target, ...(sourceHandle && { sourceHandle }) });
const node = (id: string, type: string, data: object = {}) => ({ id, type, data });

const delayFlow = {
  nodes: [node('start', 'start'), node('before', 'message', { text: 'wait for it' }), node('pause', 'delay', { seconds: 1 }), node('after', 'end', { text: 'done waiting' })],
  edges: [edge('start', 'before'), edge('before', 'pause'), edge('pause', 'after')],
};
const timeoutFlow = {
  nodes: [
    node('start', 'start'),
    node('ask', 'question', { text: 'Quick, your name?', variable: 'name', timeoutSeconds: 1 }),
    node('thanks', 'end', { text: 'Thanks {{name}}' }),
    node('late', 'end', { text: 'Too slow' }),
  ],
  edges: [edge('start', 'ask'), edge('ask', 'thanks'), edge('ask', 'late', 'timeout')],
};
const httpFlow = (url: string) => ({
  nodes: [
    node('start', 'start'),
    node('call', 'httpRequest', { method: 'GET', url, saveAs: { plan: 'account.plan' } }),
    node('ok', 'end', { text: 'Your plan: {{plan}}' }),
    node('ko', 'end', { text: 'Lookup failed' }),
  ],
  edges: [edge('start', 'call'), edge('call', 'ok', 'success'), edge('call', 'ko', 'error')],
});
const handoffFlow = {
  nodes: [node('start', 'start'), node('human', 'handoff', { text: 'A person will answer you shortly.' })],
  edges: [edge('start', 'human')],
};

let api: Server;
let apiUrl: string;
let apiCalls = 0;

beforeAll(async () => {
  api = createServer((_request, response) => {
    apiCalls += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ account: { plan: 'gold' } }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/accounts/{{contact.phone}}`;
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const textsTo = (simulator: Simulator, phone: string) =>
  simulator.sent.filter((m) => m.to === phone).map((m) => (m.body.text as { body: string } | undefined)?.body ?? m.body.type);

describe('durable timers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TIMER_POLL_MS: '100' } });
    const { apiKey } = await h.createUser();
    await h.createFlow(apiKey, { trigger: 'delay', definition: delayFlow });
    await h.createFlow(apiKey, { trigger: 'quick', definition: timeoutFlow });
  });
  afterAll(() => h.close());

  it('continues after a delay, no sooner', async () => {
    const phone = '15559990001';
    const started = Date.now();
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'delay' });
    await eventually(() => textsTo(h.simulator, phone).length === 2, 5_000);
    expect(textsTo(h.simulator, phone)).toEqual(['wait for it', 'done waiting']);
    const done = h.simulator.sent.filter((m) => m.to === phone)[1]!;
    expect(done.time - started).toBeGreaterThanOrEqual(1_000);
  });

  it('leaves a question by timeout when no reply comes, and not when one does', async () => {
    const slow = '15559990002';
    await h.simulator.userSends(PHONE_NUMBER_ID, slow, { type: 'text', body: 'quick' });
    await eventually(() => textsTo(h.simulator, slow).length === 2, 5_000);
    expect(textsTo(h.simulator, slow)).toEqual(['Quick, your name?', 'Too slow']);

    const fast = '15559990003';
    await h.simulator.userSends(PHONE_NUMBER_ID, fast, { type: 'text', body: 'quick' });
    await eventually(() => textsTo(h.simulator, fast).length === 1);
    await h.simulator.userSends(PHONE_NUMBER_ID, fast, { type: 'text', body: 'Ana' });
    await eventually(() => textsTo(h.simulator, fast).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(textsTo(h.simulator, fast)).toEqual(['Quick, your name?', 'Thanks Ana']);
  });
});

describe('timers across a restart', () => {
  it('fires a delay that fell due while the service was down', async () => {
    const simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    const first = await startHarness({ simulator, env: { TIMER_POLL_MS: '100' } });
    const { apiKey } = await first.createUser();
    await first.createFlow(apiKey, { trigger: 'delay', definition: delayFlow });
    const phone = '15559990010';
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'delay' });
    await eventually(() => textsTo(simulator, phone).length === 1);
    await first.close({ keepData: true, keepSimulator: true });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(textsTo(simulator, phone)).toEqual(['wait for it']);

    const second = await startHarness({ simulator, dataDir: first.dataDir, env: { TIMER_POLL_MS: '100' } });
    try {
      await eventually(() => textsTo(simulator, phone).length === 2, 5_000);
      expect(textsTo(simulator, phone)).toEqual(['wait for it', 'done waiting']);
    } finally {
      await second.close();
      await simulator.close();
    }
  });
});

describe('httpRequest', () => {
  it('calls the API, saves a value from the JSON answer and continues by success', async () => {
    const h = await startHarness({ env: { FLOW_HTTP_ALLOW_PRIVATE: 'true' } });
    try {
      const { apiKey } = await h.createUser();
      await h.createFlow(apiKey, { trigger: 'plan', definition: httpFlow(apiUrl) });
      const phone = '15559990020';
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'plan' });
      await eventually(() => textsTo(h.simulator, phone).length === 1, 5_000);
      expect(textsTo(h.simulator, phone)).toEqual(['Your plan: gold']);
    } finally {
      await h.close();
    }
  });

  it('refuses a private address by default and leaves by error, without calling it', async () => {
    const h = await startHarness();
    try {
      const { apiKey } = await h.createUser();
      await h.createFlow(apiKey, { trigger: 'plan', definition: httpFlow(apiUrl) });
      const before = apiCalls;
      const phone = '15559990021';
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'plan' });
      await eventually(() => textsTo(h.simulator, phone).length === 1, 5_000);
      expect(textsTo(h.simulator, phone)).toEqual(['Lookup failed']);
      expect(apiCalls).toBe(before);
    } finally {
      await h.close();
    }
  });

  it('keeps a result that came while an operator held the conversation and feeds it to the flow on release', async () => {
    const slowApi = heldApi({ account: { plan: 'gold' } });
    const h = await startHarness({ env: { FLOW_HTTP_ALLOW_PRIVATE: 'true' } });
    try {
      const { apiKey } = await h.createUser();
      await h.createFlow(apiKey, { trigger: 'plan', definition: httpFlow(await slowApi.listen('/accounts/{{contact.phone}}')) });
      const phone = '15559990022';
      await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'plan' });
      await slowApi.arrived();
      const { body } = await h.api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
      const contactId = body.contacts.find((contact) => contact.phone === phone)!.id;
      expect((await h.api('POST', `/api/v1/contacts/${contactId}/takeover`, {}, apiKey)).status).toBe(200);

      slowApi.answer();
      const httpEventState = async () => (await queryRows<{ state: string }>(h, sql`select state from inbound_events where kind = 'http'`))[0]?.state;
      await eventually(async () => (await httpEventState()) === 'held');
      expect(textsTo(h.simulator, phone)).toEqual([]);

      expect((await h.api('POST', `/api/v1/contacts/${contactId}/release`, {}, apiKey)).status).toBe(200);
      await eventually(() => textsTo(h.simulator, phone).length === 1, 5_000);
      expect(textsTo(h.simulator, phone)).toEqual(['Your plan: gold']);
      expect(await httpEventState()).toBe('done');
    } finally {
      await h.close();
      await slowApi.close();
    }
  });
});

describe('goto another flow, and handoff', () => {
  let h: Harness;
  let apiKey: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ apiKey } = await h.createUser());
  });
  afterAll(() => h.close());

  it('ends this session and starts the target flow', async () => {
    const target = await h.createFlow(apiKey, { trigger: 'second', definition: { nodes: [node('start', 'start'), node('hi', 'end', { text: 'second flow here' })], edges: [edge('start', 'hi')] } });
    await h.createFlow(apiKey, {
      trigger: 'first',
      definition: { nodes: [node('start', 'start'), node('say', 'message', { text: 'first flow' }), node('jump', 'goto', { flowId: target.id })], edges: [edge('start', 'say'), edge('say', 'jump')] },
    });
    const phone = '15559990030';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'first' });
    await eventually(() => textsTo(h.simulator, phone).length === 2);
    expect(textsTo(h.simulator, phone)).toEqual(['first flow', 'second flow here']);
    const sessions = await queryRows<{ status: string; flowId: string }>(
      h,
      sql`select s.status, s."flowId" from "Session" s join "Contact" c on c.id = s."contactId" where c.phone = ${phone} order by s."createdAt"`,
    );
    expect(sessions.map((s) => s.status)).toEqual(['Completed', 'Completed']);
    expect(sessions[1]!.flowId).toBe(target.id);
  });

  it('goes silent in handoff: later messages are stored but get no reply', async () => {
    await h.createFlow(apiKey, { trigger: 'human', definition: handoffFlow });
    const phone = '15559990031';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'human please' });
    await eventually(() => textsTo(h.simulator, phone).length === 1);
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello?' });
    await eventually(async () => {
      const rows = await queryRows<{ n: number }>(h, sql`select count(*)::int as n from "Message" m join "Contact" c on c.id = m."contactId" where c.phone = ${phone} and m.direction = 'inbound'`);
      return Number(rows[0]!.n) === 2;
    });
    expect(textsTo(h.simulator, phone)).toEqual(['A person will answer you shortly.']);
    const [session] = await queryRows<{ status: string }>(h, sql`select s.status from "Session" s join "Contact" c on c.id = s."contactId" where c.phone = ${phone}`);
    expect(session!.status).toBe('Handoff');
  });

  it('stays in handoff when the flow-builder app saves a broken definition meanwhile: no other flow starts', async () => {
    const handoff = await h.createFlow(apiKey, { trigger: 'operator', definition: handoffFlow });
    await h.createFlow(apiKey, { trigger: 'help', definition: { nodes: [node('start', 'start'), node('hi', 'end', { text: 'help flow here' })], edges: [edge('start', 'hi')] } });
    const phone = '15559990032';
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'operator please' });
    await eventually(() => textsTo(h.simulator, phone).length === 1);
    // The flow-builder app writes `Flow` directly, without our validation.
    await queryRows(h, sql`update "Flow" set definition = '{"nodes": "broken"}'::jsonb, "updatedAt" = now() where id = ${handoff.id}`);

    const help = await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'help' });
    await eventually(async () => (await queryRows(h, sql`select 1 from "Message" where "waMessageId" = ${help.wamid}`)).length === 1);
    const sessions = await queryRows<{ status: string; flowId: string }>(
      h,
      sql`select s.status, s."flowId" from "Session" s join "Contact" c on c.id = s."contactId" where c.phone = ${phone}`,
    );
    expect(sessions).toEqual([{ status: 'Handoff', flowId: handoff.id }]);
  });
});
