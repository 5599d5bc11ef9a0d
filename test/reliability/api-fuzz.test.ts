/**
 * Random and hostile documents against the admin API over real HTTP (fast-check): flow
 * definitions (random JSON, and real definitions of every node type mutated), every route that
 * reads a body, and a table of hostile requests. Invariants: never a 5xx; a refusal is a 4xx with
 * a code and a message (a 400 lists what is wrong); a refused request changes nothing stored.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { menuFlow, questionFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, eventually, queryCount, queryRows, startHarness, type Harness } from '../support/harness.js';
import { EVERY_NODE } from '../unit/flows/fixtures.js';
import { Tally, printFigures } from './support/figures.js';
import { runs } from './support/runs.js';
import { applyMutations, mutationArb, nested, noise } from './support/mutate.js';
import { ROUTES, methodOf } from './support/routes.js';
import { buildWorld, type World } from './support/world.js';

const RUNS = runs({ randomDefinitions: 100, mutatedDefinitions: 200, bodiesPerRoute: 25 });
const FUZZ_TIMEOUT_MS = 120_000;

let simulator: Simulator;
let h: Harness;
let world: World;
const answers = new Tally();
const inputs = new Tally();

beforeAll(async () => {
  // No status webhooks: nothing changes in the database unless a request changes it.
  simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } }, statuses: [] });
  h = await startHarness({ simulator, env: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
  world = await buildWorld(h);
  await quiet();
}, 60_000);
afterAll(async () => {
  await h.close();
  await simulator.close();
});

/** Everything a request could change, as one digest. */
async function storedState(): Promise<string> {
  const tables = ['User', 'api_keys', 'Flow', 'flow_versions', 'tenant_secrets', 'Contact', 'Session', 'Message', 'outbox'];
  const digests = await Promise.all(
    tables.map(async (table) => {
      const [row] = await queryRows<{ digest: string | null }>(h, sql`select md5(string_agg(t::text, '|' order by t::text)) as digest from ${sql.identifier(table)} t`);
      return row?.digest ?? '';
    }),
  );
  return digests.join(':');
}

/** Waits until the worker has nothing left to do (replies sent, events settled). */
async function quiet(): Promise<void> {
  await eventually(
    async () =>
      (await queryCount(h, sql`select count(*)::int as n from outbox`)) === 0 &&
      (await queryCount(h, sql`select count(*)::int as n from inbound_events where state = 'pending'`)) === 0,
    20_000,
  );
}

interface Answer {
  status: number;
  text: string;
}

async function send(method: string, path: string, options: { body?: string; token?: string; contentType?: string } = {}): Promise<Answer> {
  const response = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
    body: options.body,
  });
  return { status: response.status, text: await response.text() };
}

/** Sends, and checks the invariants: no 5xx; a refusal explains itself and stores nothing. */
async function sendChecked(kind: string, method: string, path: string, options: Parameters<typeof send>[2] = {}): Promise<Answer> {
  inputs.add(kind);
  const before = await storedState();
  const answer = await send(method, path, options);
  answers.add(answer.status);
  const where = `${kind} ${method} ${path}: ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status >= 400) {
    const error = (JSON.parse(answer.text) as { error: { code: unknown; message: unknown; details?: unknown } }).error;
    expect(typeof error.code, where).toBe('string');
    expect(typeof error.message, where).toBe('string');
    if (error.code === 'invalid_request' || error.code === 'invalid_definition' || error.code === 'lint_failed') {
      if (error.details !== undefined) expect((error.details as unknown[]).length, where).toBeGreaterThan(0);
    }
    expect(await storedState(), `${where}: a refused request changed what is stored`).toBe(before);
  } else {
    // An accepted request may have queued work (an operator's reply): let it finish first.
    await quiet();
  }
  return answer;
}

const flowBody = (definition: unknown, status = 'Draft') => JSON.stringify({ name: 'Fuzzed', trigger: 'fuzzed', status, definition });
const SEED_DEFINITIONS = [menuFlow, questionFlow, { nodes: EVERY_NODE, edges: [] }];

describe('flow definitions', () => {
  it('random JSON as a definition is refused with the problems listed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ stringUnit: 'binary', maxDepth: 5 }), async (definition) => {
        const answer = await sendChecked('randomDefinition', 'POST', '/api/v1/flows', { body: flowBody(definition), token: world.alice.apiKey });
        expect(answer.status).toBe(400);
      }),
      { numRuns: RUNS.randomDefinitions },
    );
  }, FUZZ_TIMEOUT_MS);

  it('mutated definitions of every node type are stored or refused with reasons, never a 5xx', async () => {
    const mutated = fc.record({
      seed: fc.constantFrom(...SEED_DEFINITIONS),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      status: fc.constantFrom('Draft', 'Active'),
    });
    await fc.assert(
      fc.asyncProperty(mutated, async ({ seed, mutations, status }) => {
        await sendChecked('mutatedDefinition', 'POST', '/api/v1/flows', { body: flowBody(applyMutations(seed, mutations), status), token: world.alice.apiKey });
      }),
      { numRuns: RUNS.mutatedDefinitions },
    );
  }, FUZZ_TIMEOUT_MS);

  const chain = (length: number) => ({
    nodes: [{ id: 'start', type: 'start', data: {} }, ...Array.from({ length }, (_, i) => ({ id: `n${i}`, type: 'message', data: { text: `step ${i}` } }))],
    edges: Array.from({ length }, (_, i) => ({ id: `e${i}`, source: i === 0 ? 'start' : `n${i - 1}`, target: `n${i}` })),
  });
  const withRegex = (pattern: string) => ({
    nodes: [
      { id: 'start', type: 'start', data: {} },
      { id: 'check', type: 'condition', data: { match: 'all', rules: [{ left: '{{input}}', op: 'regex', right: pattern }] } },
      { id: 'yes', type: 'end', data: { text: 'yes' } },
      { id: 'no', type: 'end', data: { text: 'no' } },
    ],
    edges: [
      { id: 'a', source: 'start', target: 'check' },
      { id: 'b', source: 'check', target: 'yes', sourceHandle: 'true' },
      { id: 'c', source: 'check', target: 'no', sourceHandle: 'false' },
    ],
  });
  const deep = `{"name":"Deep","trigger":"deep","definition":{"nodes":[],"edges":[],"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;

  it.each<[string, string, number]>([
    ['a NUL character in the name', JSON.stringify({ name: 'a\u0000b', trigger: 'x', definition: menuFlow }), 400],
    ['a lone surrogate in the trigger', JSON.stringify({ name: 'a', trigger: 'x\ud800', definition: menuFlow }), 400],
    ['a NUL character in a node text', flowBody({ ...menuFlow, nodes: [...menuFlow.nodes, { id: 'x', type: 'message', data: { text: '\u0000' } }] }), 400],
    ['a NUL character in a key', flowBody({ ...menuFlow, 'odd\u0000key': 1 }), 400],
    ['a 300-character name', JSON.stringify({ name: noise(1, 300), trigger: 'x', definition: menuFlow }), 400],
    ['an unknown top-level field', JSON.stringify({ name: 'a', trigger: 'x', definition: menuFlow, owner: 'someone else' }), 400],
    ['a userId of another tenant', JSON.stringify({ name: 'a', trigger: 'x', definition: menuFlow, userId: 'other' }), 400],
    ['definitions nested 100 000 levels deep', deep, 400],
    ['definitions nested 70 levels deep', flowBody({ ...menuFlow, extra: nested(70) }), 400],
    ['a __proto__ key (prototype pollution)', `{"__proto__":{"polluted":true},"name":"a","trigger":"x","definition":{"nodes":[],"edges":[]}}`, 400],
    ['a constructor.prototype key', `{"constructor":{"prototype":{"polluted":true}},"name":"a","trigger":"x","definition":{"nodes":[],"edges":[]}}`, 400],
    ['a body over the 1 MB limit', JSON.stringify({ name: 'a', trigger: 'x', definition: { ...menuFlow, pad: noise(2, 1_100_000) } }), 413],
    ['JSON cut short', flowBody(menuFlow).slice(0, 40), 400],
    ['an empty body', '', 400],
    ['a 2 000-node flow', flowBody(chain(2_000)), 201],
    ['edges to nodes that do not exist, activated', flowBody({ nodes: [{ id: 'start', type: 'start', data: {} }], edges: [{ id: 'e', source: 'start', target: 'nowhere' }] }, 'Active'), 400],
    ['a regex with a backreference, activated', flowBody(withRegex('(a)\\1'), 'Active'), 400],
    ['a regex that expands too far, activated', flowBody(withRegex('((a{1,100}){1,100}){1,100}'), 'Active'), 400],
    ['a catastrophic-backtracking regex, activated (RE2 runs it in linear time)', flowBody(withRegex('^(a+)+$'), 'Active'), 201],
  ])('%s → %i', async (_case, body, status) => {
    const answer = await sendChecked('hostileFlow', 'POST', '/api/v1/flows', { body, token: world.alice.apiKey });
    expect(answer.status).toBe(status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses bodies that are not JSON', async () => {
    // fastify reads text/plain as a string, which is not the object the route expects.
    const plain = await sendChecked('hostileFlow', 'POST', '/api/v1/flows', { body: flowBody(menuFlow), token: world.alice.apiKey, contentType: 'text/plain' });
    expect(plain.status).toBe(400);
    const form = await sendChecked('hostileFlow', 'POST', '/api/v1/flows', { body: 'name=a&trigger=b', token: world.alice.apiKey, contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });
});

describe('every route that reads a body', () => {
  const bodyRoutes = Object.entries(ROUTES).filter(([, entry]) => entry.readsBody);

  it.each(bodyRoutes.map(([route]) => route))('%s: random and mutated bodies never give a 5xx, and refused ones store nothing', async (route) => {
    const entry = ROUTES[route]!;
    const token = entry.guard === 'admin' ? world.adminToken : world.alice.apiKey;
    const body = fc.oneof(
      fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }).map((value) => ({ kind: 'random' as const, value })),
      fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((mutations) => ({ kind: 'mutated' as const, mutations })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (generated) => {
        const request = await entry.request(world, world.alice);
        const document = generated.kind === 'mutated' ? applyMutations(request.body, generated.mutations) : generated.value;
        await sendChecked('routeBody', methodOf(route), request.path, { body: JSON.stringify(document) ?? 'null', token });
      }),
      { numRuns: RUNS.bodiesPerRoute },
    );
  }, FUZZ_TIMEOUT_MS);

  it('hostile route parameters and query strings are a 4xx', async () => {
    const paths = [
      '/api/v1/contacts/%00', '/api/v1/flows/%00', '/api/v1/conversations/%00', '/api/v1/contacts/%00/messages',
      '/api/v1/sessions?contactId=%00', '/api/v1/contacts?limit=-1', '/api/v1/contacts?limit=1e400', '/api/v1/contacts?offset=%00',
      `/api/v1/flows/${'x'.repeat(5_000)}`, '/api/v1/contacts/%ED%A0%80', `/api/v1/contacts/x/messages?before=${'9'.repeat(400)}`,
      '/api/v1/flows/..%2F..%2Fusers', '/api/v1/contacts?limit=1&limit=2',
    ];
    for (const path of paths) {
      const answer = await sendChecked('hostilePath', 'GET', path, { token: world.alice.apiKey });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
    }
    for (const path of ['/api/v1/contacts/%00/takeover', '/api/v1/contacts/%00/read']) {
      expect((await sendChecked('hostilePath', 'POST', path, { token: world.alice.apiKey })).status, path).toBe(400);
    }
  });

  it('prints the figures', () => {
    const serverErrors = Object.entries(answers.counts).reduce((sum, [status, n]) => sum + (Number(status) >= 500 ? n : 0), 0);
    printFigures('api-fuzz', { inputs: inputs.total, inputsByKind: inputs.counts, answers: answers.counts, serverErrors });
  });
});
