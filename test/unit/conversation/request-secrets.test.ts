/** Failure texts of a request that carried secrets: every filled value is taken out before it is stored. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fillSecrets, redactSecrets } from '../../../src/conversation/request-secrets.js';
import type { HttpRequestSpec, HttpResult } from '../../../src/engine/types.js';
import { createSafeHttp } from '../../../src/safe-http/index.js';
import { type LocalServer, startLocalServer } from '../safe-http/local-server.js';

const FILLED = new Map([
  ['API_KEY', 'sk live/42"x'],
  ['SHORT', 'ab'],
]);
const failure = (error: string): HttpResult => ({ ok: false, status: 401, error });
const errorOf = (result: HttpResult) => (result.ok ? null : result.error);
const redacted = (text: string, secrets: ReadonlyMap<string, string> = FILLED) => errorOf(redactSecrets(failure(text), secrets));

describe('redactSecrets', () => {
  it('replaces a value as set, percent-encoded and JSON-escaped', () => {
    const text = `Unauthorized: key sk live/42"x; url ?key=${encodeURIComponent('sk live/42"x')}; body {"key":${JSON.stringify('sk live/42"x')}}`;
    expect(redacted(text)).toBe('Unauthorized: key [secret API_KEY]; url ?key=[secret API_KEY]; body {"key":"[secret API_KEY]"}');
  });

  it('replaces the spellings the URL parser, forms and PHP give a value, in any case', () => {
    const secrets = new Map([['KEY', "Ab'c/D e"]]);
    for (const spelling of ["ab'c/d e", 'Ab%27c%2FD%20e', 'ab%27c%2fd%20e', 'Ab%27c%2FD+e', 'Ab\'c\\/D e']) {
      expect(redacted(`echo ${spelling}.`, secrets)).toBe('echo [secret KEY].');
    }
    const host = new Map([['HOST', 'Internal-Billing.Corp.Example']]);
    expect(redacted('host internal-billing.corp.example could not be resolved', host)).toBe('host [secret HOST] could not be resolved');
  });

  it('replaces a start of a value at least 8 characters long, wherever it is', () => {
    expect(redacted('Forbidden: bad key sk live/…')).toBe('Forbidden: bad key [secret API_KEY]…');
    expect(redacted('Forbidden key sk live/4 (expired)')).toBe('Forbidden key [secret API_KEY] (expired)');
    expect(redacted('Forbidden: sk live… and sk…')).toBe('Forbidden: sk live… and sk…');
  });

  it('replaces short values too, and leaves successes and texts without secrets alone', () => {
    expect(redacted('cab')).toBe('c[secret SHORT]');
    expect(redacted('timed out after 10000 ms')).toBe('timed out after 10000 ms');
    const success: HttpResult = { ok: true, status: 200, body: { echoed: 'sk live/42"x' } };
    expect(redactSecrets(success, FILLED)).toBe(success);
  });

  it('changes nothing more when it runs again, even for a value its own label spells', () => {
    const secrets = new Map([['WORD', 'secret']]);
    const once = redacted('the secret is out', secrets) ?? '';
    expect(once).toBe('the [secret WORD] is out');
    expect(redacted(once, secrets)).toBe(once);
  });
});

describe('failures of a filled request, over HTTP', () => {
  const KEY = 'sk_live_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  /** Fills, sends and redacts as the worker does (http-runner.ts). */
  async function failureOf(url: string, secrets: Record<string, string>, http = createSafeHttp({ allowPrivateNetworks: true })): Promise<string> {
    const request: HttpRequestSpec = { method: 'GET', url, headers: {}, body: null, timeoutMs: 2000 };
    const filled = fillSecrets(request, new Map(Object.entries(secrets)));
    if (!filled.ok) throw new Error(filled.error);
    const result = redactSecrets(await http.perform(filled.request), filled.secrets);
    if (result.ok) throw new Error('the request succeeded');
    return result.error;
  }
  const marker = (name: string) => `\uE000${name}\uE001`;

  it('leaves no start of a secret where a quoted redirect location is cut in the middle of the text', async () => {
    // The quote is cut at 100 characters, 5 into the key.
    const moved = `http://localhost:1/moved/${'p'.repeat(69)}`;
    server.setHandler((request, response) => response.writeHead(302, { location: `${moved}${request.path}` }).end());
    const error = await failureOf(`${server.origin}/${marker('KEY')}/items`, { KEY });
    expect(error).toBe(`redirect to another origin refused: ${moved}/[secr… (only redirects within ${server.origin} are followed)`);
  });

  it('finds the secret in an answer that echoes it with \\/ escapes, percent-encoded by the URL parser, or partly', async () => {
    server.setHandler((request, response) => {
      const query = new URL(request.path, server.origin).search;
      if (request.path.startsWith('/php')) response.writeHead(401).end(JSON.stringify({ key: new URLSearchParams(query).get('key') }).replaceAll('/', '\\/'));
      else if (request.path.startsWith('/raw')) response.writeHead(401).end(`bad query ${query}`);
      else response.writeHead(403, `Forbidden key ${KEY.slice(0, 20)}`).end();
    });
    expect(await failureOf(`${server.origin}/php?key=${marker('KEY')}`, { KEY: 'ab/cdEFgh/ijKLmn/opQR' })).toBe('Unauthorized: {"key":"[secret KEY]"}');
    expect(await failureOf(`${server.origin}/raw?key=${marker('KEY')}`, { KEY: "ab'cdEFgh ijKLmn" })).toBe('Unauthorized: bad query ?key=[secret KEY]');
    expect(await failureOf(`${server.origin}/status?key=${marker('KEY')}`, { KEY })).toBe('Forbidden key [secret KEY]');
  });

  it('finds a secret host the URL parser lower-cased', async () => {
    const unresolved = createSafeHttp({
      allowPrivateNetworks: true,
      resolve: () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' })),
    });
    const error = await failureOf(`http://${marker('HOST')}:1/`, { HOST: 'Internal-Billing.Corp.Example' }, unresolved);
    expect(error).toBe('host [secret HOST] could not be resolved (ENOTFOUND)');
  });
});
