/** Closed-loop ingest load against a running server: signed single-message POSTs, N in flight. */
import { cpuWindow } from './cpu.js';
import { closedLoop, createPoster } from './http.js';
import { createInbound } from './inbound.js';
import { BENCH_SECRETS, type Server } from './server.js';
import { round } from './stats.js';
import { BUSINESS } from './world.js';

export interface IngestLoad {
  durationS: number;
  /** Cap on requests (a smoke run sends a few hundred). */
  requests: number;
  concurrency: number;
  contacts: number;
}

export interface IngestNumbers {
  postsPerS: number;
  ok: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpu: number;
  /** Server CPU time per acknowledged POST. */
  serverCpuMsPerPost: number;
  loadCpu: number;
  serverRssMb: number;
}

/** `firstSeq` keeps message texts distinct between runs on one server (warm-up, then measure). */
export async function driveIngest(server: Server, load: IngestLoad, firstSeq = 0): Promise<IngestNumbers> {
  const inbound = createInbound({ appSecret: BENCH_SECRETS.appSecret, ...BUSINESS, contacts: load.contacts });
  // Several serve processes (a scaled deployment) share the load round-robin, as a balancer would.
  const posters = server.urls.map((url) => createPoster(`${url}/webhooks/whatsapp`, Math.ceil(load.concurrency / server.urls.length)));
  let seq = firstSeq;
  const cpu = cpuWindow(server);
  const outcome = await closedLoop({
    concurrency: load.concurrency,
    durationMs: load.durationS * 1000,
    requests: load.requests,
    send: () => {
      const message = inbound.message(seq);
      const poster = posters[seq++ % posters.length]!;
      return poster.post(message.body, message.headers);
    },
  });
  const { serverCpuMs, ...usage } = cpu.stop();
  for (const poster of posters) poster.close();
  const latency = outcome.latency.summary();
  return {
    postsPerS: round((outcome.ok / outcome.elapsedMs) * 1000, 0),
    ok: outcome.ok,
    failed: outcome.failed,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    ...usage,
    serverCpuMsPerPost: round(serverCpuMs / Math.max(1, outcome.ok)),
    serverRssMb: server.rssMb(),
  };
}
