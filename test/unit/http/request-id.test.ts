/** Every answer carries its request id, a 500 names it, and the error's log line has the same id. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../../src/http/app.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
    done();
  },
});

let app: FastifyInstance;
beforeAll(async () => {
  const metrics = createMetrics({ pendingEvents: async () => 0, queuedMessages: async () => 0 });
  app = buildHttpApp({ log: createLogger('info', sink), metrics, ready: async () => {}, trustProxy: false });
  app.get('/boom', async () => {
    throw new Error('the disk is on fire');
  });
  await app.ready();
});
afterAll(() => app.close());

describe('request ids', () => {
  it("keeps the caller's plain X-Request-Id and answers with it", async () => {
    const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'lb-7f3a:42' } });
    expect(response.headers['x-request-id']).toBe('lb-7f3a:42');
  });

  it('replaces a missing or hostile one with a fresh id', async () => {
    const missing = await app.inject({ method: 'GET', url: '/health' });
    const hostile = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': `x ${'y'.repeat(300)}\u0000` } });
    for (const response of [missing, hostile]) expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['x-request-id']).not.toBe(hostile.headers['x-request-id']);
  });

  it('names the request in a 500 answer and in its error log line, without the error text', async () => {
    const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'trace-500' } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: 'internal error', requestId: 'trace-500' } });
    const logged = lines.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({ reqId: 'trace-500', level: 50 });
  });
});
