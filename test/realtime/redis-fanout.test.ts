/**
 * Scaled mode, two real processes on the real PostgreSQL and Redis: a browser-like client is
 * connected to a `serve` process that runs no worker, and every event of a conversation — all
 * committed (or, for typing, emitted) by the `worker` process — reaches it through the socket.io
 * Redis adapter.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { echoFlow } from '../fixtures/flows.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, eventually, serviceEnv } from '../support/harness.js';
import { startServiceProcess, type ServiceProcess } from '../support/process.js';
import { REDIS_URL, createTestDatabase, scaledModeAvailable, testRedisPrefix, type TestDatabase } from '../support/services.js';
import { connectClient, type TestClient } from './clients.js';

describe.skipIf(!scaledModeAvailable)('realtime across processes (Redis adapter)', () => {
  let database: TestDatabase;
  let simulator: Simulator;
  let dataDir: string;
  let serve: ServiceProcess;
  let worker: ServiceProcess;
  let client: TestClient | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    simulator = await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } });
    dataDir = mkdtempSync(join(tmpdir(), 'waflow-fanout-'));
    // Every secret given, so the two processes starting together write no secrets file.
    const env = {
      ...serviceEnv(dataDir, simulator.url),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: testRedisPrefix(),
    };
    [serve, worker] = await Promise.all([startServiceProcess(['serve', '--no-worker'], env), startServiceProcess(['worker'], env)]);
    simulator.setWebhookUrl(`${serve.url}/webhooks/whatsapp`);
  });
  afterAll(async () => {
    client?.close();
    await Promise.all([serve?.stop(), worker?.stop()]);
    await simulator?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers events committed by a worker process to a client of a serve process', async () => {
    const admin = adminClient(apiClient(serve.url));
    const { apiKey } = await admin.createUser();
    await admin.createFlow(apiKey, { trigger: 'default', definition: echoFlow('You said {{input}}') });
    client = await connectClient(serve.url, { token: apiKey });

    const phone = '15550004001';
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'first' });
    const [created] = await client.waitFor('inbox:event');
    const contactId = (created!.payload as { contactId: string }).contactId;
    expect(await client.request('join:conversation', contactId)).toEqual({ ok: true, contactId });

    // The first turn is over (its reply read, its typing indicator stopped) before the second begins.
    const firstTurnSeen = (type: string, status?: string) =>
      client!.received.some(
        (item) => item.event === 'inbox:event' && item.payload.type === type && (status === undefined || (item.payload.payload as { status?: string }).status === status),
      );
    await eventually(() => firstTurnSeen('typing:stop') && firstTurnSeen('message:status', 'Read'));
    const turnStart = client.received.length;
    // The serve process runs no worker: every event below is committed by the worker process.
    await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'second' });
    const turn = () => client!.received.slice(turnStart).filter((item) => item.event !== 'inbox:event');
    const reply = await eventually(() => turn().find((item) => item.event === 'message:new' && (item.payload.message as { direction: string }).direction === 'outbound'));
    const replyId = (reply.payload.message as { id: string }).id;
    await eventually(() => turn().some((item) => item.event === 'message:status' && item.payload.messageId === replyId && item.payload.status === 'Read'));
    await eventually(() => turn().some((item) => item.event === 'typing:stop'));

    const events = turn().map((item) => item.event);
    // Typing goes straight through Redis, stored events after their commit: only these keep an order.
    const stored = events.filter((event) => !event.startsWith('typing:'));
    expect(stored.slice(0, 3)).toEqual(['message:new', 'message:new', 'session:updated']);
    expect(events).toEqual(expect.arrayContaining(['typing:start', 'message:status', 'typing:stop']));
    expect((reply.payload.message as { content: string }).content).toBe('You said second');
  });
});
