/**
 * The admin API's guards: a rate limit per API key, and CORS (API and socket.io) only for the
 * FRONTEND_URL origins, a comma-separated list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let firstUserId: string;
let first: string;
let second: string;

beforeAll(async () => {
  h = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '5', FRONTEND_URL: 'https://console.example.com, https://ops.example.com' } });
  ({ id: firstUserId, apiKey: first } = await h.createUser());
  h.simulator.addPhoneNumber('200300401', { accessToken: 'EAAG-other' });
  second = (await h.createUser('200300401', 'EAAG-other')).apiKey;
  // A key's first request, before the service knows it is valid, counts against the address
  // (2 of its 5); from then on the key has a bucket of its own.
  for (const key of [first, second]) expect((await h.api('GET', '/api/v1/me', undefined, key)).status).toBe(200);
});
afterAll(() => h.close());

describe('rate limit', () => {
  it('answers 429 past the limit for one key, without affecting another key', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await h.api('GET', '/api/v1/flows', undefined, first)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await h.api('GET', '/api/v1/flows', undefined, second)).status).toBe(200);
  });

  it('counts a key padded with spaces as that key, and tokens that are no key against the address', async () => {
    const get = (authorization: string) => fetch(`${h.url}/api/v1/flows`, { headers: { authorization } });
    const padded = [];
    for (let i = 1; i <= 6; i++) padded.push((await get(`Bearer ${' '.repeat(i)}${second}`)).status);
    // `second` was used once above: its fifth request is the last one allowed.
    expect(padded).toEqual([200, 200, 200, 200, 429, 429]);
    const random = [];
    for (let i = 0; i < 7; i++) random.push((await get(`Bearer wfk_not-a-key-${i}`)).status);
    expect(random.slice(-2)).toEqual([429, 429]);
    expect(random.every((status) => status === 401 || status === 429)).toBe(true);
  });

  it('gives the admin token a bucket of its own, which callers without a key cannot use up', async () => {
    // The address's bucket is spent by the tokens that are no key, above.
    expect((await fetch(`${h.url}/api/v1/flows`, { headers: { authorization: 'Bearer wfk_not-a-key' } })).status).toBe(429);
    expect((await h.api('GET', '/api/v1/users', undefined, ADMIN_TOKEN)).status).toBe(200);
  });

  it('answers 429 with code rate_limited, saying when to retry', async () => {
    const response = await fetch(`${h.url}/api/v1/flows`, { headers: { authorization: 'Bearer wfk_not-a-key' } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^Rate limit exceeded, retry in /) } });
  });

  it('chooses the bucket without a lookup: a key not yet known counts against its address', async () => {
    // A valid key, never used: only a database lookup could tell it from a random token, and
    // none is made before the limit applies (the address's bucket is spent, above).
    const created = await h.api<{ apiKey: string }>('POST', `/api/v1/users/${firstUserId}/api-keys`, { name: 'unused' }, ADMIN_TOKEN);
    expect(created.status).toBe(201);
    expect((await h.api('GET', '/api/v1/me', undefined, created.body.apiKey)).status).toBe(429);
  });

  it('never limits Meta’s webhooks', async () => {
    for (let i = 0; i < 8; i++) {
      const answer = await h.simulator.postWebhook({ object: 'whatsapp_business_account', entry: [] });
      expect(answer.status).toBe(200);
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${h.url}/api/v1/flows`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  it('allows the configured origin, with credentials', async () => {
    const response = await preflight('https://console.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives no CORS grant to any other origin', async () => {
    const response = await preflight('https://evil.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows every origin of the comma-separated list', async () => {
    const response = await preflight('https://ops.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  // socket.io's long-polling transport is plain HTTP: its CORS headers decide whether a browser
  // page of that origin may open a socket at all.
  const socketHandshake = (origin: string) => fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });

  it('lets browsers of the listed origins reach socket.io, with credentials', async () => {
    for (const origin of ['https://console.example.com', 'https://ops.example.com']) {
      const response = await socketHandshake(origin);
      expect(response.status, origin).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials'), origin).toBe('true');
    }
  });

  it('gives socket.io no CORS grant for any other origin', async () => {
    const response = await socketHandshake('https://evil.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('behind a proxy (TRUST_PROXY)', () => {
  const callers = ['198.51.100.1', '198.51.100.2'];
  /** Requests without a key from two clients, as the proxy forwards them; their statuses. */
  const fromClients = async (proxied: Harness) => {
    const statuses: Record<string, number[]> = {};
    for (const client of callers) {
      statuses[client] = [];
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${proxied.url}/api/v1/flows`, { headers: { 'x-forwarded-for': client } });
        statuses[client]!.push(response.status);
      }
    }
    return statuses;
  };

  it('limits each client by its forwarded address when the proxy is trusted', async () => {
    const proxied = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'loopback' } });
    try {
      expect(await fromClients(proxied)).toEqual({ [callers[0]!]: [401, 401, 401, 429], [callers[1]!]: [401, 401, 401, 429] });
    } finally {
      await proxied.close();
    }
  });

  it('ignores X-Forwarded-For unless told to trust the proxy', async () => {
    const direct = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      expect(await fromClients(direct)).toEqual({ [callers[0]!]: [401, 401, 401, 429], [callers[1]!]: [429, 429, 429, 429] });
    } finally {
      await direct.close();
    }
  });
});
