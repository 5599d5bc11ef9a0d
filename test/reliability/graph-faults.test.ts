/**
 * Graph API faults, injected by the simulator and by a proxy that cuts connections: rate limits
 * (429, 130429, 131056), server errors, timeouts, connection resets, slow answers, permanent
 * errors, retries running out, and a token that expires in the middle of a conversation.
 *
 * Invariants: every outbound message ends Sent (or further) or Failed with a reason; no message
 * is sent twice, counted at the simulator — except where the Graph API accepted a send and its
 * answer was lost on the way back, the one case with no idempotent answer (docs/architecture.md,
 * "Departures"): there, duplicates are at most the answers lost.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FaultSettings, type Simulator } from '../../src/simulator/index.js';
import { menuFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';
import { Tally, printFigures } from './support/figures.js';
import { startGraphProxy, type GraphProxy } from './support/graph-proxy.js';

const CONTACTS_PER_CASE = 3;
const GRAPH_TIMEOUT_MS = 1_000;

let simulator: Simulator;
let proxy: GraphProxy;
let h: Harness;
let apiKey: string;
const endings = new Tally();
let duplicates = 0;
let phones = 0;

/** Two messages per conversation: the sender's ordering and cancellation both show. */
const twoMessages = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'first', type: 'message', data: { text: 'first reply to {{input}}' } },
    { id: 'second', type: 'end', data: { text: 'second reply' } },
  ],
  edges: [
    { id: 'a', source: 'start', target: 'first' },
    { id: 'b', source: 'first', target: 'second' },
  ],
};

beforeAll(async () => {
  simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
  proxy = await startGraphProxy(simulator.url);
  h = await startHarness({
    simulator,
    // A 131056 makes the recipient wait a pair interval: a short one keeps the case quick.
    env: { META_GRAPH_URL: proxy.url, GRAPH_TIMEOUT_MS: String(GRAPH_TIMEOUT_MS), SEND_MAX_ATTEMPTS: '6', SEND_RETRY_BASE_MS: '20', SEND_PAIR_INTERVAL_MS: '300' },
  });
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { name: 'Two messages', trigger: 'faults', definition: twoMessages });
  await h.createFlow(apiKey, { name: 'Menu', trigger: 'menu', definition: menuFlow });
});
afterAll(async () => {
  await h.close();
  await proxy.close();
  await simulator.close();
});

interface OutboundRow {
  status: string;
  error: string | null;
  waMessageId: string | null;
}

const outboundOf = (phone: string) =>
  queryRows<OutboundRow>(
    h,
    sql`select m.status, m.error, m."waMessageId" from "Message" m join "Contact" c on c.id = m."contactId"
        where c.phone = ${phone} and m.direction = 'outbound' order by m."createdAt"`,
  );

const SENT = new Set(['Sent', 'Delivered', 'Read']);

/** Waits until every outbound message of these contacts is settled, then checks how each ended. */
async function settledOutbound(contacts: readonly string[], expected: number): Promise<OutboundRow[]> {
  return eventually(async () => {
    const rows = (await Promise.all(contacts.map(outboundOf))).flat();
    return rows.length === expected && rows.every((row) => row.status !== 'Pending') ? rows : null;
  }, 60_000);
}

/** Sends at the simulator beyond one per recorded message: the messages sent twice. */
function repeatedSends(contacts: readonly string[], rows: readonly OutboundRow[]): number {
  const recorded = new Set(rows.map((row) => row.waMessageId).filter((wamid) => wamid !== null));
  const sent = simulator.sent.filter((message) => contacts.includes(message.to));
  for (const message of sent.filter((m) => recorded.has(m.wamid))) recorded.delete(message.wamid);
  expect([...recorded], 'recorded wamids the simulator never accepted').toEqual([]);
  return sent.length - rows.filter((row) => row.waMessageId !== null).length;
}

interface FaultCase {
  name: string;
  faults?: FaultSettings;
  proxy?: (proxy: GraphProxy) => void;
  ending: 'sent' | 'failed' | 'sent or failed';
  /** Sends the Graph API accepted but whose answers were lost: the only sends that may repeat. */
  lostAnswers?: number;
}

const graph = (code: number, httpStatus?: number) => ({ kind: 'graph' as const, code, ...(httpStatus === undefined ? {} : { httpStatus }) });

const CASES: FaultCase[] = [
  { name: 'HTTP 429 without a Graph error body', faults: { failNext: { count: 3, failure: { kind: 'http', httpStatus: 429 } } }, ending: 'sent' },
  { name: 'Graph 130429 (throughput limit)', faults: { failNext: { count: 3, failure: graph(130429) } }, ending: 'sent' },
  { name: 'Graph 131056 (pair rate limit)', faults: { failNext: { count: 3, failure: graph(131056) } }, ending: 'sent' },
  { name: 'HTTP 500 with Graph error 1', faults: { failNext: { count: 3, failure: graph(1, 500) } }, ending: 'sent' },
  { name: 'HTML 502 from a proxy in front of Meta', faults: { failNext: { count: 3, failure: { kind: 'http', httpStatus: 502 } } }, ending: 'sent' },
  { name: 'timeouts (no answer at all)', faults: { failNext: { count: 2, failure: { kind: 'timeout' } } }, ending: 'sent' },
  { name: 'connection resets before the request arrives', proxy: (p) => p.resetNext(3), ending: 'sent' },
  { name: 'slow answers, under the timeout', faults: { latencyMs: GRAPH_TIMEOUT_MS / 3 }, ending: 'sent' },
  { name: '30% of sends fail with HTTP 500', faults: { failRate: { rate: 0.3, failure: graph(2, 500) } }, ending: 'sent or failed' },
  { name: 'every send fails: retries run out', faults: { failRate: { rate: 1, failure: graph(2, 503) } }, ending: 'failed' },
  { name: 'permanent error 131047 (24-hour window) on every send', faults: { failRate: { rate: 1, failure: graph(131047) } }, ending: 'failed' },
  { name: 'permanent error 131026 (undeliverable) once', faults: { failNext: { count: 1, failure: graph(131026) } }, ending: 'sent or failed' },
  { name: 'answers lost after the Graph API accepted', proxy: (p) => p.loseAnswersOfNext(2), ending: 'sent', lostAnswers: 2 },
];

describe('Graph API faults', () => {
  it.each(CASES.map((fault) => [fault.name, fault] as const))('%s', async (_name, fault) => {
    const contacts = Array.from({ length: CONTACTS_PER_CASE }, () => `1555880${String(++phones).padStart(4, '0')}`);
    simulator.setFaults(fault.faults ?? {});
    fault.proxy?.(proxy);
    for (const phone of contacts) await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'faults' });
    const rows = await settledOutbound(contacts, contacts.length * 2);
    simulator.setFaults({});

    for (const row of rows) {
      const sent = SENT.has(row.status);
      if (fault.ending === 'sent') expect(row.status, JSON.stringify(row)).toMatch(/^(Sent|Delivered|Read)$/);
      if (fault.ending === 'failed') expect(row.status, JSON.stringify(row)).toBe('Failed');
      if (!sent) expect(row.error, 'a failed message says why').toMatch(/\w/);
      endings.add(sent ? 'sent' : 'failed with a reason');
    }
    const repeated = repeatedSends(contacts, rows);
    expect(repeated).toBeLessThanOrEqual(fault.lostAnswers ?? 0);
    duplicates += repeated;
  }, 90_000);

  it('token expiry (190) mid-conversation pauses sends, which resume once the token is replaced, none twice', async () => {
    const phone = `1555880${String(++phones).padStart(4, '0')}`;
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'menu' });
    await settledOutbound([phone], 2);
    // Meta now refuses the token: the next send gets 190.
    simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: 'EAAG-rotated-token' });
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'button_reply', id: 'sales', title: 'Sales' });
    await eventually(async () => (await h.api<{ tokenExpired: boolean }>('GET', '/api/v1/me', undefined, apiKey)).body.tokenExpired, 20_000);
    expect((await outboundOf(phone)).map((row) => row.status).slice(2)).toEqual(['Pending']);

    expect((await h.api('PATCH', '/api/v1/me', { metaAccessToken: 'EAAG-rotated-token' }, apiKey)).status).toBe(200);
    const rows = await settledOutbound([phone], 3);
    for (const row of rows) expect(SENT.has(row.status), JSON.stringify(row)).toBe(true);
    expect(repeatedSends([phone], rows)).toBe(0);
    for (const row of rows) endings.add(SENT.has(row.status) ? 'sent' : 'failed with a reason');
    simulator.addPhoneNumber(PHONE_NUMBER_ID, { accessToken: ACCESS_TOKEN });
    await h.api('PATCH', '/api/v1/me', { metaAccessToken: ACCESS_TOKEN }, apiKey);
  }, 90_000);

  it('prints the figures', () => {
    const faultsInjected = proxy.outcomes.total - proxy.outcomes.of('status:200');
    printFigures('graph-faults', {
      cases: CASES.length + 1,
      graphRequests: proxy.outcomes.total,
      faultsInjected,
      graphOutcomes: proxy.outcomes.counts,
      messages: endings.total,
      endings: endings.counts,
      sentTwice: duplicates,
      answersLostAfterAcceptance: proxy.outcomes.of('answer-lost'),
    });
  });
});
