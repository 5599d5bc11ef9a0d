/**
 * Requests in flight, against a real local server that answers only when the test says: a cap per
 * client, at most half of it for one caller, the others waiting their turn within their deadline.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SafeHttpRequest, createSafeHttp } from '../../../src/safe-http/index.js';
import { type LocalServer, startLocalServer } from './local-server.js';

let server: LocalServer;
/** Requests the server has not answered yet, by path. */
let unanswered: Array<{ path: string; response: ServerResponse }>;
/** The most requests whose path starts with "/a" the server held at once. */
let peakOfCallerA: number;

beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  unanswered = [];
  peakOfCallerA = 0;
  server.setHandler((request, response) => {
    unanswered.push({ path: request.path, response });
    peakOfCallerA = Math.max(peakOfCallerA, unanswered.filter(({ path }) => path.startsWith('/a')).length);
  });
});

const client = (concurrency: number) => createSafeHttp({ allowPrivateNetworks: true, concurrency });

function get(path: string, fields: Partial<SafeHttpRequest> = {}): SafeHttpRequest {
  return { method: 'GET', url: `${server.origin}${path}`, headers: {}, body: null, timeoutMs: 5000, ...fields };
}

function answer(count = unanswered.length): void {
  for (const { response } of unanswered.splice(0, count)) response.end('ok');
}

/** Answers whatever arrives until every request has its result. */
async function answerUntilDone<T>(results: Array<Promise<T>>): Promise<T[]> {
  const answering = setInterval(answer, 5);
  try {
    return await Promise.all(results);
  } finally {
    clearInterval(answering);
  }
}

const paths = () => server.requests.map(({ path }) => path).sort();
const ok = { ok: true, status: 200, body: 'ok' };

describe('requests in flight', () => {
  it('keeps at most `concurrency` requests in flight; the others start, in order, as slots free up', async () => {
    const http = client(4);
    const results = Array.from({ length: 10 }, (_, index) => http.perform(get(`/${index}`)));

    await vi.waitFor(() => expect(server.requests).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(paths()).toEqual(['/0', '/1', '/2', '/3']);
    expect(server.connections).toBe(4);

    answer(2);
    await vi.waitFor(() => expect(server.requests).toHaveLength(6));
    expect(paths()).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);

    expect(await answerUntilDone(results)).toEqual(Array.from({ length: 10 }, () => ok));
  });

  it('lets one caller hold at most half of the slots, so another caller is not kept waiting behind it', async () => {
    const http = client(4);
    const flood = Array.from({ length: 6 }, (_, index) => http.perform(get(`/a${index}`, { caller: 'tenant-a' })));
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));

    const other = http.perform(get('/b', { caller: 'tenant-b' }));
    await vi.waitFor(() => expect(server.requests).toHaveLength(3));
    expect(paths()).toEqual(['/a0', '/a1', '/b']);

    expect(await answerUntilDone([...flood, other])).toEqual(Array.from({ length: 7 }, () => ok));
    expect(peakOfCallerA).toBe(2);
  });

  it('fails a request whose deadline passes while it waits, without sending it, and frees no slot it never had', async () => {
    const http = client(1);
    const first = http.perform(get('/first'));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));

    const started = Date.now();
    expect(await http.perform(get('/second', { timeoutMs: 200 }))).toEqual({
      ok: false,
      status: null,
      error: 'timed out after 200 ms waiting for a free request slot (too many requests in flight)',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(paths()).toEqual(['/first']);

    const third = http.perform(get('/third'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(paths()).toEqual(['/first']);
    expect(await answerUntilDone([first, third])).toEqual([ok, ok]);
  });

  it('counts the wait for a slot toward the request’s timeout', async () => {
    const http = client(1);
    const first = http.perform(get('/first'));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    setTimeout(() => answer(1), 400);

    // Waits ~400 ms for the slot, then its own answer never comes: 600 ms in all, not 1000.
    const started = Date.now();
    expect(await http.perform(get('/second', { timeoutMs: 600 }))).toEqual({ ok: false, status: null, error: 'timed out after 600 ms' });
    expect(Date.now() - started).toBeLessThan(900);
    expect(paths()).toEqual(['/first', '/second']);
    expect(await first).toEqual(ok);
  });
});
