/**
 * Every HTTP route of the service, read from the running fastify app, and the catalogue that
 * says, for each, who may call it and how to call it. A route the app serves without an entry
 * here fails the authorisation test: a new route must say who may use it.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantWorld, World } from './world.js';

/**
 * - `admin`: only the admin token; `user`: only the owner's API key;
 * - `public`: anyone (health, the console's files, CORS preflight);
 * - `signature`: Meta's webhook, authenticated by X-Hub-Signature-256 whatever the bearer;
 * - `verify-token`: Meta's verification GET, authenticated by hub.verify_token.
 */
export type Guard = 'admin' | 'user' | 'public' | 'signature' | 'verify-token';

/** What another tenant's key gets on a user route: 404 for the owner's ids, or only its own data. */
export type ForeignOutcome = 'not-found' | 'own-data';

export interface RouteRequest {
  path: string;
  body?: unknown;
}

export interface RouteEntry {
  guard: Guard;
  foreign?: ForeignOutcome;
  /** A request aimed at `owner`'s resources (fresh ones where the request would destroy them). */
  request(world: World, owner: TenantWorld): Promise<RouteRequest> | RouteRequest;
  /** The route reads a JSON body: the API fuzz test throws random and hostile ones at it. */
  readsBody?: boolean;
}

let counter = 0;
const unique = () => `${Date.now() % 1_000_000}${++counter}`;

export const ROUTES: Readonly<Record<string, RouteEntry>> = {
  'GET /': { guard: 'public', request: () => ({ path: '/' }) },
  'GET /assets/*': { guard: 'public', request: () => ({ path: '/assets/main.js' }) },
  'GET /health': { guard: 'public', request: () => ({ path: '/health' }) },
  'GET /ready': { guard: 'public', request: () => ({ path: '/ready' }) },
  'GET /metrics': { guard: 'public', request: () => ({ path: '/metrics' }) },
  'GET /webhooks/whatsapp': {
    guard: 'verify-token',
    request: () => ({ path: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=not-the-token' }),
  },
  'POST /webhooks/whatsapp': { guard: 'signature', request: () => ({ path: '/webhooks/whatsapp', body: { object: 'whatsapp_business_account', entry: [] } }) },
  // CORS preflight for the whole API (registered by @fastify/cors as `*` under the prefix).
  'OPTIONS /api/v1*': { guard: 'public', request: () => ({ path: '/api/v1/flows' }) },

  // The API's description: no data, readable by anyone (as API documentation is).
  'GET /api/v1/openapi.json': { guard: 'public', request: () => ({ path: '/api/v1/openapi.json' }) },

  'POST /api/v1/users': {
    guard: 'admin',
    readsBody: true,
    request: () => ({ path: '/api/v1/users', body: { name: 'Carol', metaPhoneNumberId: `77${unique()}`, metaAccessToken: 'EAAG-carol' } }),
  },
  'GET /api/v1/users': { guard: 'admin', request: () => ({ path: '/api/v1/users' }) },
  'PATCH /api/v1/users/:id': { guard: 'admin', readsBody: true, request: (_w, owner) => ({ path: `/api/v1/users/${owner.id}`, body: { name: 'Renamed by admin' } }) },
  'POST /api/v1/users/:id/api-keys': { guard: 'admin', readsBody: true, request: (_w, owner) => ({ path: `/api/v1/users/${owner.id}/api-keys`, body: { name: 'extra' } }) },

  'GET /api/v1/me': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/me' }) },
  'PATCH /api/v1/me': { guard: 'user', foreign: 'own-data', readsBody: true, request: () => ({ path: '/api/v1/me', body: { name: 'Renamed by self' } }) },

  'POST /api/v1/flows': {
    guard: 'user',
    foreign: 'own-data',
    readsBody: true,
    request: () => ({ path: '/api/v1/flows', body: { name: 'New', trigger: `new-${unique()}`, definition: { nodes: [{ id: 'start', type: 'start', data: {} }], edges: [] } } }),
  },
  'GET /api/v1/flows': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/flows' }) },
  'GET /api/v1/flows/:id': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/flows/${owner.flowId}` }) },
  'PUT /api/v1/flows/:id': { guard: 'user', foreign: 'not-found', readsBody: true, request: async (w, owner) => ({ path: `/api/v1/flows/${await w.newFlow(owner)}`, body: { name: 'Put' } }) },
  'PATCH /api/v1/flows/:id': { guard: 'user', foreign: 'not-found', readsBody: true, request: async (w, owner) => ({ path: `/api/v1/flows/${await w.newFlow(owner)}`, body: { name: 'Patched' } }) },
  'DELETE /api/v1/flows/:id': { guard: 'user', foreign: 'not-found', request: async (w, owner) => ({ path: `/api/v1/flows/${await w.newFlow(owner)}` }) },

  'GET /api/v1/secrets': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/secrets' }) },
  'PUT /api/v1/secrets/:name': { guard: 'user', foreign: 'own-data', readsBody: true, request: (_w, owner) => ({ path: `/api/v1/secrets/${owner.secretName}`, body: { value: 'replaced' } }) },
  'DELETE /api/v1/secrets/:name': {
    guard: 'user',
    foreign: 'not-found',
    request: async (w, owner) => {
      const name = `SPARE_${unique()}`;
      await w.h.api('PUT', `/api/v1/secrets/${name}`, { value: 'spare' }, owner.apiKey);
      return { path: `/api/v1/secrets/${name}` };
    },
  },

  'GET /api/v1/contacts': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/contacts' }) },
  'GET /api/v1/contacts/:id': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}` }) },
  'GET /api/v1/contacts/:id/messages': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}/messages` }) },
  'POST /api/v1/contacts/:id/messages': {
    guard: 'user',
    foreign: 'not-found',
    readsBody: true,
    request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}/messages`, body: { text: 'an operator writes' } }),
  },
  'POST /api/v1/contacts/:id/read': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}/read` }) },
  'POST /api/v1/contacts/:id/takeover': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}/takeover` }) },
  'POST /api/v1/contacts/:id/release': {
    guard: 'user',
    foreign: 'not-found',
    readsBody: true,
    request: (_w, owner) => ({ path: `/api/v1/contacts/${owner.contactId}/release`, body: { mode: 'resume' } }),
  },
  'GET /api/v1/conversations': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/conversations' }) },
  'GET /api/v1/conversations/:id': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/conversations/${owner.contactId}` }) },
  'GET /api/v1/sessions': { guard: 'user', foreign: 'not-found', request: (_w, owner) => ({ path: `/api/v1/sessions?contactId=${owner.contactId}` }) },
  'POST /api/v1/socket-tokens': { guard: 'user', foreign: 'own-data', request: () => ({ path: '/api/v1/socket-tokens' }) },
};

/**
 * `METHOD /path` for every route the app serves, HEAD excepted (fastify adds it to each GET).
 * Read from fastify's route tree: each line is a path segment, indented under its parent.
 */
export function servedRoutes(app: FastifyInstance): string[] {
  const segments: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = /^([\s│├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    segments.length = depth - 1;
    segments.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${segments.join('')}`);
    }
  }
  return routes.sort();
}

export function methodOf(route: string): string {
  return route.slice(0, route.indexOf(' '));
}
