/**
 * The load generator's HTTP side: POSTs over keep-alive sockets (node:http, no extra client),
 * driven either closed-loop (N requests always in flight) or open-loop (a fixed rate, whatever
 * the answers do — latency then includes any queueing, so slow answers cannot hide themselves).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Samples } from './stats.js';

export interface Poster {
  /** Resolves with the HTTP status, or 0 when the request failed without one. */
  post(body: Buffer, headers: Record<string, string>): Promise<number>;
  close(): void;
}

/** Meta gives up on a webhook POST after a while too; a request that takes longer counts as failed. */
const REQUEST_TIMEOUT_MS = 30_000;

export function createPoster(url: string, maxSockets: number): Poster {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  return {
    post(body, headers) {
      return new Promise((resolve) => {
        const req = request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { ...headers, 'content-length': String(body.length) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', () => resolve(0));
          },
        );
        req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy());
        req.on('error', () => resolve(0));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
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
