/** Carries out one flow request: the URL rules, the address checks, redirects and the deadline. */
import type { HttpRequestSpec, HttpResult } from '../engine/types.js';
import type { AddressPolicy } from './address-policy.js';
import { checkedAddresses } from './destination.js';
import { openExchange } from './exchange.js';
import { RequestFailure, clip } from './failure.js';
import { outgoingHeaders, withoutBodyHeaders } from './headers.js';
import type { Resolve } from './resolve.js';
import { readResult } from './response.js';
import { parseRequestUrl, redirectTarget } from './url-rules.js';

export interface PerformSettings {
  policy: AddressPolicy;
  resolve: Resolve;
  maxResponseBytes: number;
  maxRedirects: number;
  userAgent: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Never rejects. One deadline covers everything (resolution, connection, headers, body, every
 * redirect hop); when it passes, the connection in use is destroyed.
 */
export async function perform(request: HttpRequestSpec, settings: PerformSettings): Promise<HttpResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HttpResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, status: null, error: `timed out after ${request.timeoutMs} ms` });
    }, request.timeoutMs);
  });
  try {
    return await Promise.race([followRedirects(request, settings, controller.signal).catch(toFailure), timedOut]);
  } finally {
    clearTimeout(timer);
    // Releases whatever a failure left open.
    controller.abort();
  }
}

async function followRedirects(request: HttpRequestSpec, settings: PerformSettings, signal: AbortSignal): Promise<HttpResult> {
  let url = parseRequestUrl(request.url);
  let method = request.method;
  let body = request.body;
  let headers = outgoingHeaders(request.headers, settings.userAgent);

  for (let redirects = 0; ; redirects++) {
    const addresses = await checkedAddresses(url, settings.resolve, settings.policy);
    // The deadline may have passed while resolving; connect to nothing then.
    signal.throwIfAborted();
    const response = await openExchange({ url, addresses, method, headers, body, signal });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
      return await readResult(response, settings.maxResponseBytes);
    }

    response.discard();
    if (redirects >= settings.maxRedirects) {
      throw new RequestFailure(`too many redirects (more than ${settings.maxRedirects})`, response.status);
    }
    url = redirectTarget(location, url, response.status);
    // As browsers do (Fetch standard): 303, and 301/302 after a POST, continue as a GET without body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = null;
      headers = withoutBodyHeaders(headers);
    }
  }
}

function toFailure(error: unknown): HttpResult {
  if (error instanceof RequestFailure) return { ok: false, status: error.status, error: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, status: null, error: `request failed: ${clip(message)}` };
}
