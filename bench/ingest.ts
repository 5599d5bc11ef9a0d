/**
 * Ingest: signed single-message webhook POSTs at a fixed concurrency (closed loop), counting the
 * ones acknowledged with 200 and their latency. Runs with the worker on (one process doing
 * everything: flows run and replies go out behind the acknowledgements) and off (ingest alone:
 * `serve --no-worker`, the scaled mode's serve role, which needs PostgreSQL and Redis, so that
 * run exists for PostgreSQL only). `--serves 1,2` runs ingest alone on 1 and on 2 serve processes,
 * the POSTs dealt round-robin over them as a balancer would.
 *
 *   npx tsx bench/ingest.ts [--mode embedded,postgres] [--duration 10] [--concurrency 50] [--worker off,on] [--serves 1]
 */
import { nonNegative, parseBenchArgs, positive, positiveList, type CommonArgs } from './lib/args.js';
import { driveIngest, type IngestLoad } from './lib/drive-ingest.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { redisSpace } from './lib/redis.js';
import { SINGLE } from './lib/server.js';
import { createStore, type Mode } from './lib/store.js';
import { createTenant, startWorld } from './lib/world.js';

async function ingestRun(common: CommonArgs, mode: Mode, worker: boolean, serves: number, load: IngestLoad, warmupS: number): Promise<Row> {
  const store = await createStore(mode, common.pgUrl);
  const redis = worker ? null : redisSpace(common.redisUrl);
  try {
    const world = await startWorld({
      launch: common.launch,
      store,
      env: redis?.env ?? {},
      worker,
      deployment: serves > 1 ? { kind: 'scaled', serves, workers: 0 } : SINGLE,
      statusDelayMs: 100,
    });
    try {
      await createTenant(world.server);
      // Warm-up (JIT, pools, caches) is not counted.
      if (warmupS > 0) await driveIngest(world.server, { ...load, durationS: warmupS, requests: Infinity }, 10_000_000);
      const numbers = await driveIngest(world.server, load);
      return { mode, worker: worker ? 'on' : 'off', serves, concurrency: load.concurrency, ...numbers };
    } finally {
      await world.close();
    }
  } finally {
    await store.dispose();
    await redis?.dispose();
  }
}

const { common, values } = parseBenchArgs({
  duration: { type: 'string', default: '10' },
  requests: { type: 'string' },
  concurrency: { type: 'string', default: '50' },
  contacts: { type: 'string', default: '10000' },
  worker: { type: 'string', default: 'on,off' },
  warmup: { type: 'string', default: '2' },
  serves: { type: 'string', default: '1' },
});
const load: IngestLoad = {
  durationS: positive('duration', values.duration),
  requests: values.requests === undefined ? Infinity : positive('requests', values.requests),
  concurrency: positive('concurrency', values.concurrency),
  contacts: positive('contacts', values.contacts),
};
const warmupS = nonNegative('warmup', values.warmup);
const workers = String(values.worker).split(',').map((value) => value.trim() === 'on');
const serveCounts = positiveList('serves', values.serves);

const rows: Row[] = [];
for (const mode of common.modes) {
  for (const worker of workers) {
    // The embedded database belongs to one process: there is no ingest-only embedded server.
    if (!worker && mode === 'embedded') continue;
    // Several processes take webhooks only in the ingest-only role (with the worker, one owns it all).
    for (const serves of worker ? [1] : serveCounts) rows.push(await ingestRun(common, mode, worker, serves, load, warmupS));
  }
}
printResult({ bench: 'ingest', machine: machine(), command: command(), server: `waflow serve (${common.launch.launcher})`, rows }, { out: common.out });
