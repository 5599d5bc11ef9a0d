/** Behaviour against a real local server, with private networks allowed so it can be reached. */
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpRequestSpec } from '../../../src/engine/types.js';
import { type SafeHttpOptions, createSafeHttp } from '../../../src/safe-http/index.js';
import { type LocalServer, countOutgoingRequests, sleep, startLocalServer } from './local-server.js';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function client(options: Partial<SafeHttpOptions> = {}) {
  return createSafeHttp({ allowPrivateNetworks: true, userAgent: 'waflow-test', ...options });
}

function spec(path: string, overrides: Partial<HttpRequestSpec> = {}): HttpRequestSpec {
  return { method: 'GET', url: `${server.origin}${path}`, headers: {}, body: null, timeoutMs: 2000, ...overrides };
}

describe('successful requests', () => {
  it('GETs JSON with the flow headers and ours', async () => {
    server.setHandler((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"user":{"name":"Ana"}}'));

    const result = await client().perform(spec('/users/1?x=1', { headers: { 'X-Api-Key': 'secret', Accept: 'application/json' } }));

    expect(result).toEqual({ ok: true, status: 200, body: { user: { name: 'Ana' } } });
    const [received] = server.requests;
    expect(received).toMatchObject({ method: 'GET', path: '/users/1?x=1', body: '' });
    expect(received?.headers).toMatchObject({
      'x-api-key': 'secret',
      accept: 'application/json',
      'user-agent': 'waflow-test',
      'accept-encoding': 'identity',
      host: `127.0.0.1:${server.port}`,
    });
  });

  it('POSTs a body with its length', async () => {
    server.setHandler((request, response) =>
      response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ echoed: request.body })),
    );
    const body = JSON.stringify({ name: 'José', n: 1 });

    const result = await client().perform(spec('/orders', { method: 'POST', body, headers: { 'content-type': 'application/json' } }));

    expect(result).toEqual({ ok: true, status: 201, body: { echoed: body } });
    expect(server.requests[0]).toMatchObject({ method: 'POST', body });
    expect(server.requests[0]?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it.each(['PUT', 'PATCH', 'DELETE'] as const)('sends %s', async (method) => {
    server.setHandler((request, response) => response.end(`${request.method} ${request.body}`));
    const result = await client().perform(spec('/thing', { method, body: 'x' }));
    expect(result).toEqual({ ok: true, status: 200, body: `${method} x` });
  });

  it('returns text bodies as text', async () => {
    server.setHandler((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('hello there'));
    expect(await client().perform(spec('/'))).toEqual({ ok: true, status: 200, body: 'hello there' });
  });

  it('parses a JSON object body even without a JSON content type', async () => {
    server.setHandler((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(' [1, {"a": true}]'));
    expect(await client().perform(spec('/'))).toEqual({ ok: true, status: 200, body: [1, { a: true }] });
  });

  it('keeps a body that claims to be JSON but is not as text', async () => {
    server.setHandler((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{oops'));
    expect(await client().perform(spec('/'))).toEqual({ ok: true, status: 200, body: '{oops' });
  });

  it('reads vendor JSON types and declared charsets', async () => {
    server.setHandler((request, response) => {
      if (request.path === '/vendor') response.writeHead(200, { 'content-type': 'application/vnd.api+json' }).end('"yes"');
      else response.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    });
    expect(await client().perform(spec('/vendor'))).toEqual({ ok: true, status: 200, body: 'yes' });
    expect(await client().perform(spec('/latin1'))).toEqual({ ok: true, status: 200, body: 'café' });
  });

  it('returns an empty body as an empty string', async () => {
    server.setHandler((_request, response) => response.writeHead(204).end());
    expect(await client().perform(spec('/'))).toEqual({ ok: true, status: 204, body: '' });
  });

  it('connects to the resolved address while keeping the host name in the request', async () => {
    const lookups: string[] = [];
    const http = client({
      allowPrivateNetworks: false,
      allowedNetworks: ['127.0.0.1/32'],
      resolve: async (hostname) => {
        lookups.push(hostname);
        return ['127.0.0.1'];
      },
    });
    server.setHandler((request, response) => response.end(request.headers.host));

    const result = await http.perform(spec('/', { url: `http://api.example.test:${server.port}/` }));

    expect(result).toEqual({ ok: true, status: 200, body: `api.example.test:${server.port}` });
    expect(lookups).toEqual(['api.example.test']);
  });

  it('tries each checked address in turn when one cannot be reached', async () => {
    // Nothing listens on 127.0.0.2 at this port: the connection moves on to 127.0.0.1.
    const http = client({ allowPrivateNetworks: false, allowedNetworks: ['127.0.0.0/8'], resolve: async () => ['127.0.0.2', '127.0.0.1'] });
    server.setHandler((_request, response) => response.end('reached'));

    const result = await http.perform(spec('/', { url: `http://two-addresses.test:${server.port}/` }));

    expect(result).toEqual({ ok: true, status: 200, body: 'reached' });
  });

  it('will not let a flow replace the headers this module owns', async () => {
    server.setHandler((request, response) => response.end(JSON.stringify(request.headers)));
    const result = await client().perform(
      spec('/', {
        method: 'POST',
        body: 'abc',
        headers: { Host: 'internal.example', 'User-Agent': 'spoof', 'Content-Length': '999', 'Accept-Encoding': 'gzip', Connection: 'upgrade' },
      }),
    );
    expect(result.ok && result.body).toMatchObject({
      host: `127.0.0.1:${server.port}`,
      'user-agent': 'waflow-test',
      'content-length': '3',
      'accept-encoding': 'identity',
      connection: 'close',
    });
  });
});

describe('failures', () => {
  it('reports a non-2xx status with a bounded quote of the body', async () => {
    server.setHandler((_request, response) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":\n  "no such user"}'));
    expect(await client().perform(spec('/users/9'))).toEqual({ ok: false, status: 404, error: 'Not Found: {"error": "no such user"}' });

    server.setHandler((_request, response) => response.writeHead(500).end('x'.repeat(10 * 1024 * 1024)));
    const result = await client().perform(spec('/'));
    expect(result).toEqual({ ok: false, status: 500, error: `Internal Server Error: ${'x'.repeat(200)}…` });

    server.setHandler((_request, response) => response.writeHead(503).end());
    expect(await client().perform(spec('/'))).toEqual({ ok: false, status: 503, error: 'Service Unavailable' });
  });

  it('times out waiting for the headers and closes the connection', async () => {
    server.setHandler((_request, response) => setTimeout(() => response.end('late'), 1000));
    const started = Date.now();

    const result = await client().perform(spec('/slow', { timeoutMs: 200 }));

    expect(result).toEqual({ ok: false, status: null, error: 'timed out after 200 ms' });
    expect(Date.now() - started).toBeLessThan(800);
    await sleep(50);
    expect(server.abandoned).toBe(1);
  });

  it('times out while the body trickles in', async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    });

    const result = await client().perform(spec('/drip', { timeoutMs: 300 }));

    expect(result).toEqual({ ok: false, status: null, error: 'timed out after 300 ms' });
    await sleep(50);
    expect(server.abandoned).toBe(1);
  });

  it('one deadline covers every redirect hop', async () => {
    server.setHandler((request, response) => {
      setTimeout(() => response.writeHead(302, { location: `/hop${request.path.length}` }).end(), 120);
    });
    const result = await client({ maxRedirects: 10 }).perform(spec('/', { timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, status: null, error: 'timed out after 300 ms' });
    expect(server.requests.length).toBeLessThanOrEqual(3);
    await sleep(50);
    expect(server.abandoned).toBe(1);
  });

  it('refuses a body larger than the cap while streaming it', async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(64 * 1024);
      const timer = setInterval(() => response.write(chunk), 1);
      response.on('close', () => clearInterval(timer));
    });

    const result = await client({ maxResponseBytes: 100_000 }).perform(spec('/huge'));

    expect(result).toEqual({ ok: false, status: 200, error: 'response larger than 100000 bytes' });
    await sleep(50);
    expect(server.abandoned).toBe(1);
  });

  it('refuses a declared length over the cap without reading it', async () => {
    server.setHandler((_request, response) => response.writeHead(200, { 'content-length': '5000' }).end('z'.repeat(5000)));
    expect(await client({ maxResponseBytes: 4999 }).perform(spec('/'))).toEqual({ ok: false, status: 200, error: 'response larger than 4999 bytes' });
    expect(await client({ maxResponseBytes: 5000 }).perform(spec('/'))).toEqual({ ok: true, status: 200, body: 'z'.repeat(5000) });
  });

  it('caps at 1 MiB by default', async () => {
    server.setHandler((_request, response) => response.end('w'.repeat(1024 * 1024 + 1)));
    expect(await client().perform(spec('/'))).toEqual({ ok: false, status: 200, error: 'response larger than 1048576 bytes' });
  });

  it('reports a refused connection', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const result = await client().perform(spec('/', { url: `http://127.0.0.1:${port}/` }));

    expect(result).toEqual({ ok: false, status: null, error: `request failed: connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it('reports a header value the flow got wrong instead of throwing', async () => {
    const result = await client().perform(spec('/', { headers: { 'x-bad': 'line\nbreak' } }));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(!result.ok && result.error).toMatch(/^request failed: /);
    expect(server.requests).toHaveLength(0);
  });

  it('reports a connection dropped mid-response', async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const result = await client().perform(spec('/'));
    expect(result).toMatchObject({ ok: false, status: null });
    expect(!result.ok && result.error).toMatch(/^request failed: /);
  });
});

describe('redirects', () => {
  it('follows a same-origin redirect', async () => {
    server.setHandler((request, response) => {
      if (request.path === '/old') response.writeHead(301, { location: '/new?q=1' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: request.path }));
    });

    const result = await client().perform(spec('/old', { headers: { authorization: 'Bearer t' } }));

    expect(result).toEqual({ ok: true, status: 200, body: { at: '/new?q=1' } });
    expect(server.requests.map((request) => request.path)).toEqual(['/old', '/new?q=1']);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer t');
  });

  it('follows an absolute same-origin location', async () => {
    server.setHandler((request, response) => {
      if (request.path === '/a') response.writeHead(302, { location: `${server.origin}/b` }).end();
      else response.end('b');
    });
    expect(await client().perform(spec('/a'))).toEqual({ ok: true, status: 200, body: 'b' });
  });

  it('continues a POST as a GET after 303 and keeps it after 307', async () => {
    server.setHandler((request, response) => {
      if (request.path === '/see-other') response.writeHead(303, { location: '/result' }).end();
      else if (request.path === '/temporary') response.writeHead(307, { location: '/result' }).end();
      else response.end(`${request.method}:${request.body}:${request.headers['content-type'] ?? '-'}`);
    });
    const post = { method: 'POST' as const, body: 'data', headers: { 'content-type': 'text/plain' } };

    expect(await client().perform(spec('/see-other', post))).toEqual({ ok: true, status: 200, body: 'GET::-' });
    expect(await client().perform(spec('/temporary', post))).toEqual({ ok: true, status: 200, body: 'POST:data:text/plain' });
  });

  it('never sends cookies a response set', async () => {
    server.setHandler((request, response) => {
      if (request.path === '/login') response.writeHead(302, { location: '/me', 'set-cookie': 'session=abc; Path=/' }).end();
      else response.end(request.headers.cookie ?? 'no cookie');
    });
    expect(await client().perform(spec('/login'))).toEqual({ ok: true, status: 200, body: 'no cookie' });
  });

  it.each<[string, (port: number) => string]>([
    ['another host', (port) => `http://localhost:${port}/x`],
    ['another port', (port) => `http://127.0.0.1:${port + 1}/x`],
    ['another scheme', (port) => `https://127.0.0.1:${port}/x`],
    ['a scheme-relative other host', () => '//example.com/x'],
  ])('refuses a redirect to %s, naming it', async (_name, location) => {
    server.setHandler((_request, response) => response.writeHead(302, { location: location(server.port) }).end());
    const target = new URL(location(server.port), server.origin).href;

    const result = await client().perform(spec('/start'));

    expect(result).toEqual({
      ok: false,
      status: 302,
      error: `redirect to another origin refused: ${target} (only redirects within ${server.origin} are followed)`,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a same-origin redirect that carries credentials or leaves http', async () => {
    server.setHandler((request, response) => {
      const location = request.path === '/creds' ? `http://admin:pw@127.0.0.1:${server.port}/x` : 'javascript:alert(1)';
      response.writeHead(302, { location }).end();
    });
    expect(await client().perform(spec('/creds'))).toEqual({
      ok: false,
      status: 302,
      error: `redirect to http://admin:pw@127.0.0.1:${server.port}/x refused: credentials in URLs are not allowed`,
    });
    expect(await client().perform(spec('/script'))).toEqual({
      ok: false,
      status: 302,
      error: 'redirect to javascript:alert(1) refused: only http and https URLs are allowed',
    });
  });

  it('stops a redirect loop after maxRedirects hops', async () => {
    server.setHandler((_request, response) => response.writeHead(302, { location: '/loop' }).end());

    const result = await client().perform(spec('/loop'));

    expect(result).toEqual({ ok: false, status: 302, error: 'too many redirects (more than 3)' });
    expect(server.requests).toHaveLength(4);
  });

  it('follows none when maxRedirects is 0', async () => {
    server.setHandler((_request, response) => response.writeHead(307, { location: '/elsewhere' }).end());
    expect(await client({ maxRedirects: 0 }).perform(spec('/'))).toEqual({ ok: false, status: 307, error: 'too many redirects (more than 0)' });
    expect(server.requests).toHaveLength(1);
  });

  it('treats a redirect status without a location as an error response', async () => {
    server.setHandler((_request, response) => response.writeHead(302).end('nowhere'));
    expect(await client().perform(spec('/'))).toEqual({ ok: false, status: 302, error: 'Found: nowhere' });
  });
});

describe('https', () => {
  it('connects to the pinned address with the host name as TLS server name, and reports a failed handshake', async () => {
    const received: Buffer[] = [];
    const tls = createTcpServer((socket: Socket) => {
      socket.once('data', (hello: Buffer) => {
        received.push(hello);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    const outgoing = countOutgoingRequests();
    try {
      const http = client({ allowPrivateNetworks: false, allowedNetworks: ['127.0.0.1/32'], resolve: async () => ['127.0.0.1'] });

      const result = await http.perform(spec('/', { url: `https://secure.example.test:${port}/` }));

      expect(result).toMatchObject({ ok: false, status: null });
      expect(!result.ok && result.error).toMatch(/^request failed: /);
      expect(received).toHaveLength(1);
      // The ClientHello carries the server name in clear.
      expect(received[0]?.includes('secure.example.test')).toBe(true);
      expect(outgoing.count).toBe(1);
    } finally {
      outgoing.stop();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});

describe('never rejects', () => {
  afterEach(() => server.setHandler((_request, response) => response.end('ok')));

  it('turns a resolver that throws a non-error into a failure', async () => {
    const http = client({
      resolve: () => {
        throw 'boom';
      },
    });
    await expect(http.perform(spec('/', { url: 'http://weird.test/' }))).resolves.toEqual({
      ok: false,
      status: null,
      error: 'host weird.test could not be resolved',
    });
  });
});

describe('quotes in failures', () => {
  afterEach(() => server.setHandler((_request, response) => response.end('ok')));

  const SECRET = 'SECRET-VALUE';
  /** Stands for the secrets' redaction the worker hands over with a request. */
  const redact = (text: string) => text.replaceAll(SECRET, '[hidden]');
  /** Padding that puts the secret across a quote's cut at `limit` characters, after `before`. */
  const across = (before: string, limit: number) => 'p'.repeat(limit - 5 - before.length);

  it('redacts a quote before cutting it, so no start of a secret is left at the cut', async () => {
    const elsewhere = `http://localhost:${server.port}/`;
    const path = `${across(elsewhere, 100)}${SECRET}/rest`;
    server.setHandler((request, response) => {
      if (request.path === '/away') response.writeHead(302, { location: `${elsewhere}${path}` }).end();
      else response.writeHead(500).end(`${across('', 200)}${SECRET} and more`);
    });
    const quoted = async (request: HttpRequestSpec) => {
      const result = await client().perform({ ...request, redact });
      return result.ok ? '' : result.error;
    };

    expect(await quoted(spec('/away'))).toBe(`redirect to another origin refused: ${elsewhere}${across(elsewhere, 100)}[hidd… (only redirects within ${server.origin} are followed)`);
    expect(await quoted(spec('/error'))).toBe(`Internal Server Error: ${across('', 200)}[hidd…`);
    const invalid = `http://[${across('http://[', 100)}${SECRET}`;
    expect(await quoted(spec('/', { url: invalid }))).toBe(`invalid URL: ${invalid.slice(0, 95)}[hidd…`);
  });
});
