/** Which URLs a request may target, first and after a redirect. */
import { type Redact, RequestFailure, quote } from './failure.js';

/** The URL to request, or a failure: only http(s), and no credentials (they would sit in logs and flow definitions). */
export function parseRequestUrl(text: string, redact: Redact): URL {
  if (!URL.canParse(text)) throw new RequestFailure(`invalid URL: ${quote(text, redact, 100)}`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RequestFailure('only http and https URLs are allowed');
  if (url.username !== '' || url.password !== '') throw new RequestFailure('credentials in URLs are not allowed');
  return url;
}

/**
 * Where a redirect leads, if it may be followed: only within the same origin (scheme, host and
 * port), so a public endpoint cannot bounce the request somewhere the flow could not name itself.
 */
export function redirectTarget(location: string, from: URL, status: number, redact: Redact): URL {
  let target: URL;
  try {
    target = parseRequestUrl(new URL(location, from).href, redact);
  } catch (error) {
    const reason = error instanceof RequestFailure ? error.message : 'invalid location';
    throw new RequestFailure(`redirect to ${quote(withoutQuery(location), redact, 100)} refused: ${reason}`, status);
  }
  if (target.origin !== from.origin) {
    throw new RequestFailure(
      `redirect to another origin refused: ${quote(originAndPath(target), redact, 100)} (only redirects within ${from.origin} are followed)`,
      status,
    );
  }
  return target;
}

/**
 * A refused redirect is named without its query or fragment: the failure is stored and shown,
 * and a redirect often carries the request's credentials (`?key=…`) along.
 */
function originAndPath(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** The same for a location that is not a URL we follow (it may not parse at all). */
function withoutQuery(location: string): string {
  return location.replace(/[?#][\s\S]*$/, '');
}

/** The host as the resolver and the socket want it: IPv6 literals without their brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
