/** The OpenAPI document lists every admin API route, and only routes that exist. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: { required?: string[]; properties?: Record<string, unknown> } } } } }>>;
}

/** Every (method, path) fastify serves under /api/v1, read from its printed route tree. */
function servedApiRoutes(): Set<string> {
  const stack: string[] = [];
  const routes = new Set<string>();
  for (const line of h.waflow.http.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line) ?? /^()└── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const segment = match[2]!;
    stack.push(parent.endsWith('/') || segment.startsWith('/') ? `${parent}${segment}` : `${parent}/${segment}`);
    const path = stack.at(-1)!;
    if (!path.startsWith('/api/v1/') || path === '/api/v1/openapi.json') continue;
    for (const method of match[3]!.split(', ')) {
      if (method !== 'HEAD') routes.add(`${method.toLowerCase()} ${path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

it('documents exactly the routes the API serves', async () => {
  const response = await h.api<OpenApi>('GET', '/api/v1/openapi.json');
  expect(response.status).toBe(200);
  expect(response.body.openapi).toBe('3.1.0');
  const documented = new Set(Object.entries(response.body.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`)));
  const served = servedApiRoutes();
  expect(served.size).toBeGreaterThan(20);
  expect([...documented].sort()).toEqual([...served].sort());
});

it('describes request bodies with the schemas the routes validate with', async () => {
  const { body } = await h.api<OpenApi>('GET', '/api/v1/openapi.json');
  const createUser = body.paths['/users']!.post!.requestBody!.content['application/json'].schema;
  expect(createUser.required?.sort()).toEqual(['metaAccessToken', 'metaPhoneNumberId', 'name']);
  const createFlow = body.paths['/flows']!.post!.requestBody!.content['application/json'].schema;
  expect(JSON.stringify(createFlow.properties?.definition)).toContain('buttons');
});
