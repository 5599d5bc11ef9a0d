/**
 * A TCP relay in front of PostgreSQL that counts the statements a server sends, read off the wire
 * protocol: every Bind of the extended protocol (one per statement, named or not) and every simple
 * Query, each under its SQL text (from the Parse that named it). Nothing is changed on the way;
 * answers flow back untouched. It sees what reaches PostgreSQL from any process, without
 * instrumenting the server.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface WireCounter {
  /** postgres://… URL that reaches the same database through the relay. */
  url: string;
  /** Counting starts (and earlier counts are dropped) on `start()`. */
  start(): void;
  /** Statements seen since `start()`, by SQL text (whitespace collapsed). */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

const SIMPLE_QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'

/** Reads NUL-terminated strings from a message body. */
function cString(buffer: Buffer, from: number): { text: string; next: number } {
  const end = buffer.indexOf(0, from);
  return { text: buffer.toString('utf8', from, end), next: end + 1 };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

export async function startWireCounter(databaseUrl: string): Promise<WireCounter> {
  const target = new URL(databaseUrl);
  let counting = false;
  let seen = new Map<string, number>();
  const count = (text: string) => {
    if (counting) seen.set(text, (seen.get(text) ?? 0) + 1);
  };
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(client).add(upstream);
    const named = new Map<string, string>();
    let unnamed = '';
    let pending: Buffer = Buffer.alloc(0);
    let startup = true;
    const inspect = (type: number, body: Buffer) => {
      if (type === SIMPLE_QUERY) count(oneLine(cString(body, 0).text));
      else if (type === PARSE) {
        const name = cString(body, 0);
        const text = oneLine(cString(body, name.next).text);
        if (name.text) named.set(name.text, text);
        else unnamed = text;
      } else if (type === BIND) {
        const portal = cString(body, 0);
        const statement = cString(body, portal.next).text;
        count(statement ? (named.get(statement) ?? statement) : unnamed);
      }
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        // The startup message has no type byte: a length, then the protocol version and settings.
        const header = startup ? 4 : 5;
        if (pending.length < header) break;
        const length = pending.readUInt32BE(startup ? 0 : 1);
        const size = startup ? length : length + 1;
        if (pending.length < size) break;
        if (!startup) inspect(pending[0]!, pending.subarray(5, size));
        startup = false;
        pending = pending.subarray(size);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    start() {
      seen = new Map();
      counting = true;
    },
    counts: () => new Map(seen),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
