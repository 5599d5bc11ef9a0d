/** Small HTTP servers on chosen loopback addresses that count every connection they get. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** Base URL, IPv6 hosts in brackets. */
  url: string;
  port: number;
  connections: number;
  close(): Promise<void>;
}

const answerOk: RequestListener = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"reached":true}');

/** Null when the address cannot be bound here (no IPv6 loopback, for instance). */
export async function startLocalServer(host: string, handler: RequestListener = answerOk): Promise<LocalServer | null> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
  } catch {
    return null;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
