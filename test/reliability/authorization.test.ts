/**
 * The authorisation matrix: every route the app serves (read from fastify, so a new route
 * without an entry fails here) × every kind of credential, and every socket.io request × every
 * handshake credential. Only the right credential works; another tenant's key gets 404 for the
 * owner's ids and nothing of the owner's in collections; nobody receives another tenant's events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_REQUESTS } from '../../src/realtime/socket-requests.js';
import { SOCKET_TOKEN_TTL_MS, createSocketTokens } from '../../src/realtime/socket-tokens.js';
import { startHarness, type Harness } from '../support/harness.js';
import { connectClient, type AckAnswer, type TestClient } from '../realtime/clients.js';
import { Tally, printFigures } from './support/figures.js';
import { ROUTES, methodOf, servedRoutes, type ForeignOutcome, type Guard, type RouteEntry } from './support/routes.js';
import { buildWorld, type TenantWorld, type World } from './support/world.js';

let h: Harness;
let world: World;
let aliceSocketToken: string;
const http = new Tally();
const sockets = new Tally();
const clients: TestClient[] = [];

beforeAll(async () => {
  h = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '100000' } });
  world = await buildWorld(h);
  aliceSocketToken = (await h.api<{ token: string }>('POST', '/api/v1/socket-tokens', undefined, world.alice.apiKey)).body.token;
}, 60_000);
afterAll(async () => {
  for (const client of clients) client.close();
  await h.close();
});

const CREDENTIALS = ['none', 'not-bearer', 'unknown-key', 'socket-token', 'admin-token', 'other-tenant-key', 'owner-key'] as const;
type Credential = (typeof CREDENTIALS)[number];

function authorization(credential: Credential): Record<string, string> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  switch (credential) {
    case 'none':
      return {};
    case 'not-bearer':
      return { authorization: `Basic ${Buffer.from(`admin:${world.adminToken}`).toString('base64')}` };
    case 'unknown-key':
      return bearer('wfk_0123456789abcdef0123456789abcdef');
    case 'socket-token':
      return bearer(aliceSocketToken);
    case 'admin-token':
      return bearer(world.adminToken);
    case 'other-tenant-key':
      return bearer(world.bob.apiKey);
    case 'owner-key':
      return bearer(world.alice.apiKey);
  }
}

type Expectation = 'allowed' | 401 | 403 | 404 | 'own-data';

function expectation(guard: Guard, foreign: ForeignOutcome | undefined, credential: Credential): Expectation {
  switch (guard) {
    case 'public':
      return 'allowed';
    case 'signature':
      return 401;
    case 'verify-token':
      return 403;
    case 'admin':
      return credential === 'admin-token' ? 'allowed' : 401;
    case 'user':
      if (credential === 'owner-key') return 'allowed';
      if (credential === 'other-tenant-key') return foreign === 'not-found' ? 404 : 'own-data';
      return 401;
  }
}

/** Everything that identifies the owner: none of it may reach another tenant. */
const ownerMarks = (owner: TenantWorld) => [owner.id, owner.contactId, owner.flowId, owner.secretName, owner.contactPhone];

async function call(route: string, entry: RouteEntry, credential: Credential) {
  const { path, body } = await entry.request(world, world.alice);
  const method = methodOf(route);
  const headers: Record<string, string> = {
    ...authorization(credential),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    // A CORS preflight, as a browser sends it.
    ...(method === 'OPTIONS' ? { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' } : {}),
  };
  const response = await fetch(`${h.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

describe('HTTP routes', () => {
  it('has an entry for every route the app serves, and no entry for a route it does not serve', () => {
    const served = servedRoutes(h.waflow.http);
    expect(served.filter((route) => !(route in ROUTES)), 'served routes with no authorisation entry').toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !served.includes(route)), 'entries for routes that do not exist').toEqual([]);
  });

  it.each(Object.keys(ROUTES))('%s: only the right credential works', async (route) => {
    const entry = ROUTES[route]!;
    for (const credential of CREDENTIALS) {
      const expected = expectation(entry.guard, entry.foreign, credential);
      const { status, text } = await call(route, entry, credential);
      const where = `${route} with ${credential}: ${status} ${text.slice(0, 200)}`;
      expect(status, where).toBeLessThan(500);
      if (expected === 'allowed') {
        expect([401, 403, 404], where).not.toContain(status);
      } else if (expected === 'own-data') {
        expect(status, where).toBeLessThan(300);
        for (const mark of ownerMarks(world.alice)) expect(text, where).not.toContain(mark);
      } else {
        expect(status, where).toBe(expected);
      }
      http.add(entry.guard === 'public' ? 'public' : expected === 'allowed' ? 'allowed' : `refused:${expected}`);
    }
  });
});

/** A socket request and its ack, or a failed handshake. */
async function socketCase(auth: Record<string, unknown>): Promise<TestClient | null> {
  try {
    const client = await connectClient(h.url, auth);
    clients.push(client);
    return client;
  } catch (error) {
    expect((error as Error).message).toMatch(/unauthorized/);
    return null;
  }
}

interface SocketEventEntry {
  argument(owner: TenantWorld): unknown;
  /** What another tenant gets for the owner's argument. */
  foreign: 'not_found' | 'no-effect' | 'own-data';
}

const SOCKET_EVENTS: Readonly<Record<string, SocketEventEntry>> = {
  [SOCKET_REQUESTS.join]: { argument: (owner) => owner.contactId, foreign: 'not_found' },
  [SOCKET_REQUESTS.leave]: { argument: (owner) => ({ contactId: owner.contactId }), foreign: 'no-effect' },
  [SOCKET_REQUESTS.replay]: { argument: () => ({ afterSeq: 0 }), foreign: 'own-data' },
};

const HOSTILE_ARGUMENTS = ['', '\u0000', 'x\ud800', 'x'.repeat(10_000), 12, null, { contactId: {} }, ['a'], { afterSeq: -1 }];

describe('socket.io requests', () => {
  it('has an entry for every request the server handles', () => {
    expect(Object.keys(SOCKET_EVENTS).sort()).toEqual(Object.values(SOCKET_REQUESTS).sort());
  });

  it('refuses every handshake without a valid credential, so no request can even be sent', async () => {
    const tokens = createSocketTokens(h.waflow.secrets.encryptionKey);
    const expired = tokens.mint(world.alice.id, Date.now() - SOCKET_TOKEN_TTL_MS - 1_000).token;
    const forged = createSocketTokens(Buffer.alloc(32, 7)).mint(world.alice.id, Date.now()).token;
    const refused: Array<Record<string, unknown>> = [
      {},
      { token: '' },
      { token: 42 },
      { token: 'wfk_0123456789abcdef0123456789abcdef' },
      { token: world.adminToken },
      { token: expired },
      { token: forged },
      { token: `${aliceSocketToken}x` },
    ];
    for (const auth of refused) {
      expect(await socketCase(auth), JSON.stringify(auth)).toBeNull();
      sockets.add('refused:handshake', Object.keys(SOCKET_EVENTS).length);
    }
  });

  it("answers another tenant's requests for the owner's conversations with not_found or nothing of the owner's", async () => {
    const bob = (await socketCase({ token: world.bob.apiKey }))!;
    for (const [event, entry] of Object.entries(SOCKET_EVENTS)) {
      const argument = entry.argument(world.alice);
      const answer = await bob.request<AckAnswer & { events?: unknown[] }>(event, argument);
      const where = `${event}: ${JSON.stringify(answer).slice(0, 200)}`;
      if (entry.foreign === 'not_found') expect(answer, where).toMatchObject({ ok: false, error: { code: 'not_found' } });
      else expect(answer.ok, where).toBe(true);
      // An ack may echo what Bob sent; nothing else of Alice's may come back.
      const echoed = JSON.stringify(argument);
      for (const mark of ownerMarks(world.alice).filter((m) => !echoed.includes(m))) expect(JSON.stringify(answer), where).not.toContain(mark);
      sockets.add(`refused:${entry.foreign}`);
    }
    for (const argument of HOSTILE_ARGUMENTS) {
      for (const event of [SOCKET_REQUESTS.join, SOCKET_REQUESTS.leave, SOCKET_REQUESTS.replay]) {
        const answer = await bob.request(event, argument);
        expect(answer.ok === false && answer.error.code, `${event}(${JSON.stringify(argument).slice(0, 40)})`).not.toBe('unavailable');
        sockets.add('hostile-argument');
      }
    }
    // Bob tried to join and leave Alice's conversation: her next messages must not reach him.
    const alice = (await socketCase({ token: world.alice.apiKey }))!;
    expect(await alice.request(SOCKET_REQUESTS.join, world.alice.contactId)).toMatchObject({ ok: true });
    await h.simulator.userSends(world.alice.phoneNumberId, world.alice.contactPhone, { type: 'text', body: 'are you there?' });
    await alice.waitFor('message:new');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const mark of ownerMarks(world.alice)) expect(JSON.stringify(bob.received)).not.toContain(mark);
  });

  it('lets the owner join, leave and replay, with an API key or a socket token', async () => {
    for (const token of [world.alice.apiKey, aliceSocketToken]) {
      const owner = (await socketCase({ token }))!;
      for (const [event, entry] of Object.entries(SOCKET_EVENTS)) {
        expect(await owner.request(event, entry.argument(world.alice)), event).toMatchObject({ ok: true });
        sockets.add('allowed');
      }
    }
  });

  it('prints the figures', () => {
    const refused = (tally: Tally) => Object.entries(tally.counts).filter(([label]) => label.startsWith('refused')).reduce((sum, [, n]) => sum + n, 0);
    printFigures('authorization', {
      httpRoutes: Object.keys(ROUTES).length,
      httpCases: http.total,
      httpWrongCredentialCases: refused(http),
      httpOutcomes: http.counts,
      socketCases: sockets.total,
      socketWrongCredentialCases: refused(sockets),
      socketOutcomes: sockets.counts,
    });
  });
});
