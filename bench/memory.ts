/**
 * Memory and start time: cold start (fresh store: migrations), warm start (existing store), RSS
 * at rest, and peak RSS under end-to-end load and under ingest load.
 *
 *   npx tsx bench/memory.ts [--mode embedded,postgres] [--duration 20] [--rate 100]
 */
import { parseBenchArgs, positive, type CommonArgs } from './lib/args.js';
import { driveE2e } from './lib/drive-e2e.js';
import { driveIngest } from './lib/drive-ingest.js';
import { peakRss } from './lib/peak.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { createStore, type Mode } from './lib/store.js';
import { createTenant, startWorld } from './lib/world.js';

interface MemoryLoad {
  durationS: number;
  rate: number;
  requests: number;
  restS: number;
}

async function memoryRun(common: CommonArgs, mode: Mode, load: MemoryLoad): Promise<Row> {
  const store = await createStore(mode, common.pgUrl);
  const worldOptions = { launch: common.launch, store, worker: true, statusDelayMs: 100 };
  try {
    const cold = await startWorld(worldOptions);
    const coldStartMs = Math.round(cold.server.startMs);
    await createTenant(cold.server).finally(() => cold.close());

    const world = await startWorld(worldOptions);
    try {
      const warmStartMs = Math.round(world.server.startMs);
      await new Promise((resolve) => setTimeout(resolve, load.restS * 1000));
      const restMb = world.server.rssMb();
      const e2e = await peakRss(world.server, () =>
        driveE2e(world, { rate: load.rate, warmupS: 0, durationS: load.durationS, contacts: 1000, drainS: 5, keepUpMs: Infinity }),
      );
      const ingest = await peakRss(world.server, () =>
        driveIngest(world.server, { durationS: load.durationS, requests: load.requests, concurrency: 50, contacts: 10_000 }, 10_000_000),
      );
      return {
        mode,
        coldStartMs,
        warmStartMs,
        restRssMb: restMb,
        e2eRate: load.rate,
        e2ePeakRssMb: e2e.peakMb,
        e2eReplied: e2e.result.replied,
        ingestPeakRssMb: ingest.peakMb,
        ingestPosts: ingest.result.ok,
      };
    } finally {
      await world.close();
    }
  } finally {
    await store.dispose();
  }
}

const { common, values } = parseBenchArgs({
  duration: { type: 'string', default: '20' },
  rate: { type: 'string', default: '100' },
  /** Caps the ingest phase (a smoke run sends a few hundred). */
  requests: { type: 'string' },
  rest: { type: 'string', default: '3' },
});
const load: MemoryLoad = {
  durationS: positive('duration', values.duration),
  rate: positive('rate', values.rate),
  requests: values.requests === undefined ? Infinity : positive('requests', values.requests),
  restS: Number(values.rest ?? 0),
};
const rows: Row[] = [];
for (const mode of common.modes) rows.push(await memoryRun(common, mode, load));
printResult({ bench: 'memory', machine: machine(), command: command(), server: `waflow serve (${common.launch.launcher})`, rows }, { out: common.out });
