/**
 * End-to-end: inbound message → first reply accepted by the simulator, at fixed rates over a set
 * of contacts, with status webhooks (sent, delivered, read) flowing back. Each rate runs on a
 * fresh server and store, so a backlog left by one rate cannot slow the next. Reports latency,
 * lost and duplicated replies, and the highest rate held.
 *
 *   npx tsx bench/e2e.ts [--mode embedded,postgres] [--rates 50,200,500,1000] [--duration 30] [--contacts 1000]
 *
 * Modes are single-process deployments; the scaled deployment will be one more mode here once
 * lib/server.ts can start it.
 */
import { parseBenchArgs, positive, positiveList, type CommonArgs } from './lib/args.js';
import { driveE2e, type E2eLoad, type E2eNumbers } from './lib/drive-e2e.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { createStore, type Mode } from './lib/store.js';
import { createTenant, startWorld } from './lib/world.js';

async function e2eRun(common: CommonArgs, mode: Mode, load: E2eLoad, statusDelayMs: number): Promise<E2eNumbers> {
  const store = await createStore(mode, common.pgUrl);
  try {
    const world = await startWorld({ launcher: common.launcher, store, worker: true, cpuProfDir: common.cpuProfDir, statusDelayMs });
    try {
      await createTenant(world.server);
      return await driveE2e(world, load);
    } finally {
      await world.close();
    }
  } finally {
    await store.dispose();
  }
}

const { common, values } = parseBenchArgs({
  rates: { type: 'string', default: '50,200,500,1000' },
  duration: { type: 'string', default: '30' },
  contacts: { type: 'string', default: '1000' },
  drain: { type: 'string', default: '15' },
  'keep-up-ms': { type: 'string', default: '1000' },
  'status-delay-ms': { type: 'string', default: '100' },
  /** Keep going after a rate is not held (by default the higher rates are skipped). */
  all: { type: 'string', default: 'no' },
});
const rates = positiveList('rates', values.rates);
const base = {
  durationS: positive('duration', values.duration),
  contacts: positive('contacts', values.contacts),
  drainS: positive('drain', values.drain),
  keepUpMs: positive('keep-up-ms', values['keep-up-ms']),
};
const statusDelayMs = Number(values['status-delay-ms']);

const rows: Row[] = [];
const summary: Row = {};
for (const mode of common.modes) {
  let highestHeld = 0;
  for (const rate of rates) {
    const numbers = await e2eRun(common, mode, { ...base, rate }, statusDelayMs);
    rows.push({ mode, ...numbers });
    if (numbers.held) highestHeld = Math.max(highestHeld, rate);
    else if (values.all !== 'yes') break;
  }
  summary[`highest rate held, ${mode} (msg/s)`] = highestHeld;
}
printResult(
  { bench: 'e2e', machine: machine(), command: command(), server: `waflow serve (${common.launcher})`, rows, summary },
  { out: common.out },
);
