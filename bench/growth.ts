/**
 * How cost grows with stored history: the same end-to-end and ingest runs on a store seeded with
 * few and with many past Message rows (and inbox events, contacts, sessions). Throughput and
 * latency should not depend on table size.
 *
 *   npx tsx bench/growth.ts [--mode embedded,postgres] [--messages 10000,1000000] [--duration 15] [--rate 50]
 */
import { parseBenchArgs, positive, positiveList, type CommonArgs } from './lib/args.js';
import { driveE2e } from './lib/drive-e2e.js';
import { driveIngest } from './lib/drive-ingest.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { round } from './lib/stats.js';
import { createStore, seedHistory, type Mode } from './lib/store.js';
import { BUSINESS, createTenant, startWorld } from './lib/world.js';

/** The e2e run's warm-up, as in `e2e.ts`: latency and CPU are counted after it. */
const E2E_WARMUP_S = 5;

interface GrowthLoad {
  durationS: number;
  rate: number;
  requests: number;
}

async function growthRun(common: CommonArgs, mode: Mode, messages: number, load: GrowthLoad): Promise<Row> {
  const store = await createStore(mode, common.pgUrl);
  const worldOptions = { launch: common.launch, store, worker: true, statusDelayMs: 100 };
  try {
    const first = await startWorld(worldOptions);
    const tenant = await createTenant(first.server).finally(() => first.close());
    const seedMs = await seedHistory(store, { ...tenant, phoneNumberId: BUSINESS.phoneNumberId, messages });

    const world = await startWorld(worldOptions);
    try {
      const e2e = await driveE2e(world, { rate: load.rate, warmupS: E2E_WARMUP_S, durationS: load.durationS, contacts: 1000, drainS: 15, keepUpMs: 1000 });
      const ingest = await driveIngest(
        world.server,
        { durationS: load.durationS, requests: load.requests, concurrency: 50, contacts: 10_000 },
        10_000_000,
      );
      return {
        mode,
        storedMessages: messages,
        seedS: round(seedMs / 1000, 1),
        startMs: Math.round(world.server.startMs),
        e2eRate: load.rate,
        e2eP50Ms: e2e.p50Ms,
        e2eP99Ms: e2e.p99Ms,
        e2eLost: e2e.lost,
        e2eDuplicates: e2e.duplicates,
        e2eCpuMsPerMsg: e2e.serverCpuMsPerMsg,
        ingestPostsPerS: ingest.postsPerS,
        ingestP99Ms: ingest.p99Ms,
        ingestCpuMsPerPost: ingest.serverCpuMsPerPost,
        rssMb: world.server.rssMb(),
      };
    } finally {
      await world.close();
    }
  } finally {
    await store.dispose();
  }
}

const { common, values } = parseBenchArgs({
  messages: { type: 'string', default: '10000,1000000' },
  duration: { type: 'string', default: '15' },
  rate: { type: 'string', default: '50' },
  /** Caps the ingest phase (a smoke run sends a few hundred). */
  requests: { type: 'string' },
});
const sizes = positiveList('messages', values.messages);
const load: GrowthLoad = {
  durationS: positive('duration', values.duration),
  rate: positive('rate', values.rate),
  requests: values.requests === undefined ? Infinity : positive('requests', values.requests),
};
const rows: Row[] = [];
for (const mode of common.modes) {
  for (const messages of sizes) rows.push(await growthRun(common, mode, messages, load));
}
printResult({ bench: 'growth', machine: machine(), command: command(), server: `waflow serve (${common.launch.launcher})`, rows }, { out: common.out });
