/**
 * HTTP(S) exchanges over kept-alive connections, answered as status and text: what the Graph
 * client sends and what the simulator posts back. node:http costs a fraction of fetch's CPU per
 * request (no AbortSignal, Request or structured clone), and these run for every message.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Idle connections close before a server's usual 5 s idle timeout could close them under a request. */
const IDLE_SOCKET_MS = 4_000;

export interface Exchange {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: Buffer | null;
  /** For the whole exchange, reading the answer included; then it fails with a `TimeoutError`. */
  timeoutMs: number;
}

export interface KeepAliveClient {
  /** The answer's status and text; a network failure or the deadline rejects. */
  exchange(url: URL, exchange: Exchange): Promise<{ status: number; text: string }>;
  /** Fails the exchanges in flight and closes every connection. */
  close(): void;
}

export function keepAliveClient(): KeepAliveClient {
  const agents = {
    http: new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return {
    exchange(url, { method, headers, body, timeoutMs }) {
      const secure = url.protocol === 'https:';
      const sized = body === null ? headers : { ...headers, 'content-length': String(body.length) };
      return new Promise((resolve, reject) => {
        const request = (secure ? httpsRequest : httpRequest)(url, { method, headers: sized, agent: secure ? agents.https : agents.http });
        const deadline = setTimeout(() => request.destroy(timeoutError(timeoutMs)), timeoutMs);
        const fail = (error: Error) => {
          clearTimeout(deadline);
          reject(error);
        };
        request.on('error', fail);
        request.on('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('close', () => response.complete || fail(new Error('connection closed before the answer ended')));
          response.on('end', () => {
            clearTimeout(deadline);
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        });
        request.end(body ?? undefined);
      });
    },
    close() {
      // Destroying an agent also destroys the sockets its requests are using.
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function timeoutError(ms: number): Error {
  const error = new Error(`no answer within ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}
