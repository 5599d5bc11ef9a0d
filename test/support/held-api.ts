/**
 * A local JSON API for flows' httpRequest nodes that answers only when the test lets it, so a
 * test can act between the request and its result.
 */
import { createServer, type Server } from 'node:http';

export interface HeldApi {
  server: Server;
  /** Listens on 127.0.0.1; resolves with the URL of `path`. */
  listen(path: string): Promise<string>;
  /** Resolves when the next request has arrived. */
  arrived(): Promise<void>;
  /** Answers the waiting requests with `body`; the next ones wait again. */
  answer(): void;
  close(): Promise<void>;
}

function latch(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export function heldApi(body: unknown): HeldApi {
  let arrived = latch();
  let answer = latch();
  const server = createServer((_request, response) => {
    arrived.open();
    void answer.promise.then(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  return {
    server,
    listen: (path) =>
      new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}${path}`))),
    arrived: () => arrived.promise,
    answer() {
      answer.open();
      arrived = latch();
      answer = latch();
    },
    close() {
      answer.open();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
