/** Carries out one flow request: its turn, the URL rules, the address checks, redirects and the deadline. */
import type { HttpRequestSpec, HttpResult } from '../engine/types.js';
import type { AddressPolicy } from './address-policy.js';
import { checkedAddresses } from './destination.js';
import { openExchange } from './exchange.js';
import { type Redact, RequestFailure, quote, redactNothing } from './failure.js';
import { outgoingHeaders, withoutBodyHeaders } from './headers.js';
import type { Resolve } from './resolve.js';
import { readResult } from './response.js';
import type { Slots } from './slots.js';
import { parseRequestUrl, redirectTarget } from './url-rules.js';

/** A flow's request, with what safe-http needs to know about it besides. */
export interface SafeHttpRequest extends HttpRequestSpec {
  /** Whose request it is (the tenant's id): one caller holds at most half of the slots. Without it, only the total counts. */
  caller?: string;
  /** Applied to what a failure quotes (a URL, a redirect's location, an answer) before the quote is cut to length. */
  redact?: Redact;
}

export interface PerformSettings {
  policy: AddressPolicy;
  resolve: Resolve;
  slots: Slots;
  maxResponseBytes: number;
  maxRedirects: number;
  userAgent: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Never rejects. One deadline covers everything (the wait for a free slot, resolution,
 * connection, headers, body, every redirect hop), as the flow's wait for the result counts from
 * when it asked; when it passes, the connection in use is destroyed.
 */
export async function perform(request: SafeHttpRequest, settings: PerformSettings): Promise<HttpResult> {
  const controller = new AbortController();
  const redact = request.redact ?? redactNothing;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HttpResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      const waiting = started ? '' : ' waiting for a free request slot (too many requests in flight)';
      resolve({ ok: false, status: null, error: `timed out after ${request.timeoutMs} ms${waiting}` });
    }, request.timeoutMs);
  });
  const inTurn = async () => {
    const release = await settings.slots.take(request.caller, controller.signal);
    started = true;
    try {
      return await followRedirects(request, redact, settings, controller.signal);
    } finally {
      release();
    }
  };
  try {
    return await Promise.race([inTurn().catch((error: unknown) => toFailure(error, redact)), timedOut]);
  } finally {
    clearTimeout(timer);
    // Releases whatever a failure left open.
    controller.abort();
  }
}

async function followRedirects(request: SafeHttpRequest, redact: Redact, settings: PerformSettings, signal: AbortSignal): Promise<HttpResult> {
  let url = parseRequestUrl(request.url, redact);
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
      return await readResult(response, settings.maxResponseBytes, redact);
    }

    response.discard();
    if (redirects >= settings.maxRedirects) {
      throw new RequestFailure(`too many redirects (more than ${settings.maxRedirects})`, response.status);
    }
    url = redirectTarget(location, url, response.status, redact);
    // As browsers do (Fetch standard): 303, and 301/302 after a POST, continue as a GET without body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = null;
      headers = withoutBodyHeaders(headers);
    }
  }
}

function toFailure(error: unknown, redact: Redact): HttpResult {
  if (error instanceof RequestFailure) return { ok: false, status: error.status, error: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, status: null, error: `request failed: ${quote(message, redact)}` };
}
