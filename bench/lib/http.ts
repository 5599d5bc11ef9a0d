/**
 * The load generator's HTTP side: POSTs over kept-alive connections, driven either closed-loop (N
 * requests always in flight) or open-loop (a fixed rate, whatever the answers do — latency then
 * includes any queueing, so slow answers cannot hide themselves).
 *
 * The client writes HTTP/1.1 on `node:net` sockets itself, one request at a time per connection,
 * and reads only the status and the Content-Length of the answer: the load generator shares the
 * two cores with the server, and node:http's client (request objects, header validation, an
 * IncomingMessage stream per answer) cost about as much CPU per POST as the server's ingest.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Samples } from './stats.js';

export interface Poster {
  /** Resolves with the HTTP status, or 0 when the request failed without one. */
  post(body: Buffer, headers: Record<string, string>): Promise<number>;
  close(): void;
}

/** Meta gives up on a webhook POST after a while too; a request that takes longer counts as failed. */
const REQUEST_TIMEOUT_MS = 30_000;

interface Exchange {
  request: Buffer;
  resolve(status: number): void;
}

/** At most `maxSockets` connections; requests beyond them wait for one, first come first served. */
export function createPoster(url: string, maxSockets: number): Poster {
  const target = new URL(url);
  const head = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  const idle: Connection[] = [];
  const waiting: Exchange[] = [];
  const all = new Set<Connection>();

  const dispatch = (exchange: Exchange): void => {
    const connection = idle.pop() ?? (all.size < maxSockets ? open() : null);
    if (connection) connection.send(exchange);
    else waiting.push(exchange);
  };
  const open = (): Connection => {
    const connection = new Connection(target, {
      free: () => {
        const next = waiting.shift();
        if (next) connection.send(next);
        else idle.push(connection);
      },
      gone: () => {
        all.delete(connection);
        const index = idle.indexOf(connection);
        if (index >= 0) idle.splice(index, 1);
        const next = waiting.shift();
        if (next) dispatch(next);
      },
    });
    all.add(connection);
    return connection;
  };

  return {
    post(body, headers) {
      let text = head;
      for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
      text += `Content-Length: ${body.length}\r\n\r\n`;
      const request = Buffer.concat([Buffer.from(text, 'latin1'), body]);
      return new Promise((resolve) => dispatch({ request, resolve }));
    },
    close() {
      for (const exchange of waiting.splice(0)) exchange.resolve(0);
      for (const connection of all) connection.destroy();
    },
  };
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i;
const CONNECTION_CLOSE = /\r\nconnection: *close/i;

/** One kept-alive connection carrying one exchange at a time. */
class Connection {
  private readonly socket: Socket;
  private current: Exchange | null = null;
  private received: Buffer = Buffer.alloc(0);

  constructor(target: URL, private readonly pool: { free(): void; gone(): void }) {
    this.socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    this.socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
      if (this.current) this.socket.destroy();
    });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => undefined); // 'close' follows and settles the exchange
    this.socket.on('close', () => {
      this.finish(0);
      this.pool.gone();
    });
  }

  send(exchange: Exchange): void {
    this.current = exchange;
    this.socket.write(exchange.request);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headEnd = this.received.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const headText = this.received.toString('latin1', 0, headEnd);
    const length = CONTENT_LENGTH.exec(headText);
    // waflow answers every webhook with a Content-Length; anything else is not an answer we read.
    if (!length) return void this.socket.destroy();
    if (this.received.length < headEnd + HEAD_END.length + Number(length[1])) return;
    this.received = Buffer.alloc(0);
    this.finish(Number(headText.slice(9, 12)));
    if (CONNECTION_CLOSE.test(headText)) this.socket.destroy();
    else this.pool.free();
  }

  private finish(status: number): void {
    const exchange = this.current;
    this.current = null;
    exchange?.resolve(status);
  }
}

export interface Outcome {
  ok: number;
  failed: number;
  /** Status code → count, for everything that was not 200. */
  failures: Record<string, number>;
  elapsedMs: number;
  latency: Samples;
}

function newOutcome(): Outcome {
  return { ok: 0, failed: 0, failures: {}, elapsedMs: 0, latency: new Samples() };
}

function count(outcome: Outcome, status: number, latencyMs: number): void {
  if (status === 200) {
    outcome.ok++;
    outcome.latency.add(latencyMs);
  } else {
    outcome.failed++;
    outcome.failures[status] = (outcome.failures[status] ?? 0) + 1;
  }
}

export interface ClosedLoopOptions {
  concurrency: number;
  /** Stop after this long… */
  durationMs: number;
  /** …or after this many requests, whichever comes first. */
  requests: number;
  send(): Promise<number>;
}

/** `concurrency` loops, each sending its next request as soon as the previous one is answered. */
export async function closedLoop(options: ClosedLoopOptions): Promise<Outcome> {
  const outcome = newOutcome();
  const start = performance.now();
  const deadline = start + options.durationMs;
  let started = 0;
  const loop = async () => {
    while (started < options.requests && performance.now() < deadline) {
      started++;
      const sentAt = performance.now();
      const status = await options.send();
      count(outcome, status, performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  outcome.elapsedMs = performance.now() - start;
  return outcome;
}

export interface OpenLoopOptions {
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Sends request number `seq` (0-based); resolves with the HTTP status. */
  send(seq: number): Promise<number>;
}

/** Sends at a fixed rate for the duration; resolves once every request has been answered. */
export async function openLoop(options: OpenLoopOptions): Promise<Outcome & { sent: number }> {
  const outcome = newOutcome();
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    // A coarse tick that catches up to the schedule: timers cannot fire every millisecond.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000));
      while (sent < due) {
        const seq = sent++;
        const sentAt = performance.now();
        const done = options.send(seq).then((status) => count(outcome, status, performance.now() - sentAt));
        pending.add(done);
        void done.finally(() => pending.delete(done));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  outcome.elapsedMs = performance.now() - start;
  await Promise.all(pending);
  return { ...outcome, sent };
}
