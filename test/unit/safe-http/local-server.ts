/** A real HTTP server on 127.0.0.1 for the safe-http tests, recording what reached it. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface LocalServer {
  port: number;
  /** `http://127.0.0.1:port` */
  origin: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  /** Connections the client closed before the handler finished its response. */
  abandoned: number;
  setHandler(handler: Handler): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startLocalServer(): Promise<LocalServer> {
  let handler: Handler = (_request, response) => response.end('ok');
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(request);
      response.on('close', () => {
        if (!response.writableFinished) state.abandoned++;
      });
      handler(request, response);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const state: LocalServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests: [],
    connections: 0,
    abandoned: 0,
    setHandler(next) {
      handler = next;
    },
    reset() {
      state.requests = [];
      state.connections = 0;
      state.abandoned = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/**
 * Counts HTTP(S) client requests this process starts (each one is the only way this module opens a
 * connection), so a test can prove no connection was attempted.
 */
export function countOutgoingRequests(): { readonly count: number; stop(): void } {
  let count = 0;
  const listener = (): void => {
    count++;
  };
  subscribe('http.client.request.start', listener);
  return {
    get count() {
      return count;
    },
    stop: () => unsubscribe('http.client.request.start', listener),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
