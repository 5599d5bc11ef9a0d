/**
 * Fills `{{secrets.NAME}}` placeholders of a flow's HTTP request with the tenant's secrets, just
 * before it is sent. Each value is escaped for where it lands: percent-encoded in the URL, without
 * line breaks in a header, JSON-escaped in a JSON body. A secret that is not set fails the request
 * (the flow leaves by `error`) instead of sending an empty credential.
 */
import type { HttpRequestSpec } from '../engine/types.js';

const SECRET_PLACEHOLDER = /\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const HAS_SECRET = new RegExp(SECRET_PLACEHOLDER.source);

export type Filled = { ok: true; request: HttpRequestSpec } | { ok: false; error: string };

export function usesSecrets(request: HttpRequestSpec): boolean {
  return [request.url, request.body ?? '', ...Object.values(request.headers)].some((text) => HAS_SECRET.test(text));
}

export function fillSecrets(request: HttpRequestSpec, secrets: ReadonlyMap<string, string>): Filled {
  const missing = new Set<string>();
  const fill = (text: string, escape: (value: string) => string) =>
    text.replace(SECRET_PLACEHOLDER, (_match, name: string) => {
      const value = secrets.get(name);
      if (value === undefined) missing.add(name);
      return escape(value ?? '');
    });
  const json = /json/i.test(request.headers['content-type'] ?? '');
  const filled: HttpRequestSpec = {
    ...request,
    url: fill(request.url, encodeURIComponent),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, fill(value, (v) => v.replace(/[\r\n]+/g, ' '))])),
    body: request.body === null ? null : fill(request.body, json ? (value) => JSON.stringify(value).slice(1, -1) : (value) => value),
  };
  return missing.size > 0 ? { ok: false, error: `secret ${[...missing].map((name) => `"${name}"`).join(', ')} is not set` } : { ok: true, request: filled };
}
