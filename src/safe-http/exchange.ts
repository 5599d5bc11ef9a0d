/**
 * One HTTP request/response over a fresh connection to a given address. Redirects, limits and
 * result shapes are the caller's; this only moves bytes.
 */
import { type IncomingHttpHeaders, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type LookupFunction, type TcpNetConnectOpts, isIPv6 } from 'node:net';
import type { NonEmpty } from './destination.js';
import { hostOf } from './url-rules.js';

export interface ExchangeRequest {
  url: URL;
  /** The checked addresses to connect to, tried in order, whatever the host name would resolve to now. */
  addresses: NonEmpty<string>;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  /** Aborting destroys the connection, whatever stage it is in. */
  signal: AbortSignal;
}

export interface BodyBytes {
  bytes: Buffer;
  /** True when more bytes came than the limit; the connection was then closed. */
  truncated: boolean;
}

export interface OpenResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** Reads the body up to `limit` bytes, never holding more. */
  readBody(limit: number): Promise<BodyBytes>;
  /** Closes the connection without reading the body. */
  discard(): void;
}

/** Sends the request and resolves once the response headers have arrived. */
export function openExchange(request: ExchangeRequest): Promise<OpenResponse> {
  return new Promise((resolve, reject) => {
    const { url, addresses, method, body, signal } = request;
    const headers = body === null ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // The host name stays in the request (Host header, TLS SNI and certificate check); only the
    // address lookup is replaced. No agent: a pooled socket could outlive the check it was made for.
    // autoSelectFamily makes net try each checked address in turn when one cannot be reached.
    const options: RequestOptions & Pick<TcpNetConnectOpts, 'autoSelectFamily'> = {
      hostname: hostOf(url),
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      agent: false,
      lookup: pinnedLookup(addresses),
      autoSelectFamily: true,
      signal,
    };
    const outgoing = send(options);
    // `on`, not `once`: an abort after a first error must not become an uncaught second one.
    outgoing.on('error', reject);
    outgoing.once('response', (response) => resolve(wrapResponse(response)));
    outgoing.end(body ?? undefined);
  });
}

/** A lookup that always answers with the pinned addresses, in either callback form net asks for. */
function pinnedLookup(addresses: NonEmpty<string>): LookupFunction {
  const answers = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  const [first] = addresses;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, answers);
    else callback(null, first, isIPv6(first) ? 6 : 4);
  };
}

function wrapResponse(response: IncomingMessage): OpenResponse {
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers: response.headers,
    readBody: (limit) => readLimited(response, limit),
    discard: () => response.destroy(),
  };
}

function readLimited(response: IncomingMessage, limit: number): Promise<BodyBytes> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        response.destroy();
        resolve({ bytes: Buffer.concat(chunks), truncated: true });
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    response.once('end', () => resolve({ bytes: Buffer.concat(chunks), truncated: false }));
    response.on('error', reject);
    response.once('close', () => {
      if (!response.complete) reject(new Error('connection closed before the response ended'));
    });
  });
}
