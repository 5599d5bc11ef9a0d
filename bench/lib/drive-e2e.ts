/**
 * End-to-end load: inbound messages at a fixed rate (open loop) spread over a set of contacts;
 * each must come back as exactly one reply accepted by the simulator. A reply carries its
 * message's text, which ties it to the message: lost and duplicated replies are counted exactly.
 *
 * The first `warmupS` seconds run at the same rate but their latencies and CPU are not counted
 * (JIT compilation, statements prepared, first plans): every message, warm-up included, counts
 * for sent, lost and duplicates.
 */
import { performance } from 'node:perf_hooks';
import { cpuWindow } from './cpu.js';
import { createPoster, openLoop } from './http.js';
import { createInbound, seqOfReply } from './inbound.js';
import { BENCH_SECRETS } from './server.js';
import { round, Samples } from './stats.js';
import { BUSINESS, until, type World } from './world.js';

export interface E2eLoad {
  /** Inbound messages per second. */
  rate: number;
  /** Sent at the rate before the measured part; not in the latency and CPU figures. */
  warmupS: number;
  /** The measured part. */
  durationS: number;
  contacts: number;
  /** How long to wait, after the last POST was answered, for the missing replies. */
  drainS: number;
  /** A rate is held only if p99 stays under this: above it, a backlog is building up. */
  keepUpMs: number;
}

export interface E2eNumbers {
  rate: number;
  achievedRate: number;
  sent: number;
  failedPosts: number;
  replied: number;
  lost: number;
  duplicates: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  ackP99Ms: number;
  statusPosts: number;
  statusFailed: number;
  serverCpu: number;
  /** Server CPU time per inbound message: its ingest, flow step, send and three status webhooks. */
  serverCpuMsPerMsg: number;
  loadCpu: number;
  serverRssMb: number;
  held: boolean;
}

/** After every reply arrived, how long to keep listening for a second one. */
const DUPLICATE_GRACE_MS = 1_000;

export async function driveE2e(world: World, load: E2eLoad): Promise<E2eNumbers> {
  const warmup = Math.round(load.rate * load.warmupS);
  const total = warmup + Math.round(load.rate * load.durationS);
  const sentAt = new Float64Array(total);
  const replies = new Uint16Array(total);
  const latency = new Samples();
  let replied = 0;
  let statusPosts = 0;
  let statusFailed = 0;
  const unsubscribe = world.simulator.subscribe((event) => {
    if (event.kind === 'webhook') {
      if (event.delivery.kind === 'status') {
        statusPosts++;
        if (event.delivery.status !== 200) statusFailed++;
      }
      return;
    }
    if (event.kind !== 'sent') return;
    const text = (event.message.body as { text?: { body?: unknown } }).text?.body;
    const seq = typeof text === 'string' ? seqOfReply(text) : null;
    if (seq === null || seq >= total) return;
    const before = replies[seq]!;
    replies[seq] = before + 1;
    if (before === 0) {
      replied++;
      if (seq >= warmup) latency.add(performance.now() - sentAt[seq]!);
    }
  });

  const inbound = createInbound({ appSecret: BENCH_SECRETS.appSecret, ...BUSINESS, contacts: load.contacts });
  // One poster per serve process, messages dealt round-robin: what a balancer in front would do.
  const posters = world.server.urls.map((url) => createPoster(`${url}/webhooks/whatsapp`, 256));
  let cpu: ReturnType<typeof cpuWindow> | null = null;
  const acked = new Uint8Array(total);
  const outcome = await openLoop({
    rate: load.rate,
    durationMs: (load.warmupS + load.durationS) * 1000,
    send: async (seq) => {
      if (seq === warmup) cpu = cpuWindow(world.server);
      const message = inbound.message(seq);
      sentAt[seq] = performance.now();
      const status = await posters[seq % posters.length]!.post(message.body, message.headers);
      if (status === 200) acked[seq] = 1;
      return status;
    },
  });
  await until(() => replied >= outcome.ok, load.drainS * 1000);
  await new Promise((resolve) => setTimeout(resolve, DUPLICATE_GRACE_MS));
  const { serverCpuMs, ...usage } = cpu!.stop();
  unsubscribe();
  for (const poster of posters) poster.close();

  let lost = 0;
  let duplicates = 0;
  for (let seq = 0; seq < outcome.sent; seq++) {
    if (acked[seq] === 1 && replies[seq] === 0) lost++;
    if (replies[seq]! > 1) duplicates += replies[seq]! - 1;
  }
  const summary = latency.summary();
  const achievedRate = round((outcome.sent / outcome.elapsedMs) * 1000, 0);
  return {
    rate: load.rate,
    achievedRate,
    sent: outcome.sent,
    failedPosts: outcome.failed,
    replied,
    lost,
    duplicates,
    p50Ms: summary.p50,
    p95Ms: summary.p95,
    p99Ms: summary.p99,
    maxMs: summary.max,
    ackP99Ms: outcome.latency.summary().p99,
    statusPosts,
    statusFailed,
    ...usage,
    serverCpuMsPerMsg: round(serverCpuMs / Math.max(1, outcome.sent - warmup)),
    serverRssMb: world.server.rssMb(),
    held:
      achievedRate >= 0.95 * load.rate &&
      outcome.failed === 0 &&
      lost === 0 &&
      duplicates === 0 &&
      summary.p99 <= load.keepUpMs,
  };
}
