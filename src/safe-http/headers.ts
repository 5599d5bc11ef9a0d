/** The headers sent with a flow's request. */

/**
 * Headers a flow may not set: they describe the connection, the message framing or the target
 * host, which this module owns (a forged Host would defeat the origin checks).
 */
const OWNED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'accept-encoding',
  'user-agent',
]);

/** Headers that describe a request body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);

/**
 * The flow's headers (names lower-cased) plus ours: our User-Agent, so the traffic can be traced
 * to this service, and `accept-encoding: identity`, since bodies are not decompressed and the size
 * cap counts the bytes received.
 */
export function outgoingHeaders(flowHeaders: Record<string, string>, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(flowHeaders)) {
    const key = name.toLowerCase();
    if (!OWNED_HEADERS.has(key)) headers[key] = value;
  }
  headers['user-agent'] = userAgent;
  headers['accept-encoding'] = 'identity';
  return headers;
}

export function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !BODY_HEADERS.has(name)));
}
