/**
 * The flow HTTP runner with the real safe-http, a local server and an embedded database: each
 * request goes out named by its tenant, so a tenant whose API is slow holds at most half of the
 * slots and another tenant's request does not wait behind it; every result is stored.
 */
import type { ServerResponse } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { PendingHttp } from '../../../src/conversation/advance.js';
import { createHttpRunner } from '../../../src/conversation/http-runner.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { inboundEvents } from '../../../src/db/schema.js';
import { createSafeHttp } from '../../../src/safe-http/index.js';
import { freshDataDir } from '../../support/data-dir.js';
import { type LocalServer, startLocalServer } from '../safe-http/local-server.js';

let database: Database;
let server: LocalServer;
const unanswered: ServerResponse[] = [];

beforeAll(async () => {
  database = await openDatabase({ kind: 'embedded', dataDir: freshDataDir('http-runner') });
  server = await startLocalServer();
  server.setHandler((_request, response) => unanswered.push(response));
});
afterAll(async () => {
  await server.close();
  await database.close();
});

const pending = (path: string): PendingHttp => ({
  sessionId: `session${path}`,
  nodeId: 'call',
  waitUntil: 1,
  request: { method: 'GET', url: `${server.origin}${path}`, headers: {}, body: null, timeoutMs: 5000 },
});

it('names each request by its tenant: a second tenant is not kept waiting behind the first', async () => {
  const http = createSafeHttp({ allowPrivateNetworks: true, concurrency: 2 });
  const runner = createHttpRunner({
    db: database.db,
    log: pino({ level: 'silent' }),
    now: Date.now,
    perform: (request) => http.perform(request),
    secretsFor: () => Promise.resolve(new Map()),
    notify: () => Promise.resolve(),
  });
  const conversation = (contact: string) => ({ phoneNumberId: '1000', contactKey: contact });

  runner.run(conversation('a'), 'tenant-a', [pending('/a0'), pending('/a1'), pending('/a2')]);
  runner.run(conversation('b'), 'tenant-b', [pending('/b0')]);

  await vi.waitFor(() => expect(server.requests).toHaveLength(2));
  expect(server.requests.map(({ path }) => path).sort()).toEqual(['/a0', '/b0']);

  const answering = setInterval(() => unanswered.splice(0).forEach((response) => response.end('{"ok":true}')), 5);
  await runner.idle();
  clearInterval(answering);
  const stored = await database.db.select({ payload: inboundEvents.payload }).from(inboundEvents);
  expect(stored).toHaveLength(4);
  expect(stored.map(({ payload }) => (payload as { result: unknown }).result)).toEqual(Array.from({ length: 4 }, () => ({ ok: true, status: 200, body: { ok: true } })));
});
