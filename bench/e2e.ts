/**
 * End-to-end: inbound message → first reply accepted by the simulator, at fixed rates over a set
 * of contacts, with status webhooks (sent, delivered, read) flowing back. Each rate runs on a
 * fresh server and store, so a backlog left by one rate cannot slow the next. Reports latency,
 * lost and duplicated replies, and the highest rate held.
 *
 *   npx tsx bench/e2e.ts [--mode embedded,postgres] [--scaled 1x2|no] [--rates 50,200,500,1000] [--duration 30] [--warmup 5] [--contacts 1000]
 *
 * `--mode` runs the single-process deployments (`waflow serve` with its worker); `--scaled SxW`
 * also runs the scaled one on PostgreSQL and Redis: S `serve --no-worker` processes taking the
 * webhooks (inbound messages dealt round-robin) and W `worker` processes.
 */
import { nonNegative, parseBenchArgs, positive, positiveList, type CommonArgs } from './lib/args.js';
import { driveE2e, type E2eLoad, type E2eNumbers } from './lib/drive-e2e.js';
import { redisSpace } from './lib/redis.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { SINGLE, type Deployment } from './lib/server.js';
import { createStore, type Mode } from './lib/store.js';
import { createTenant, startWorld } from './lib/world.js';

interface Target {
  label: string;
  mode: Mode;
  deployment: Deployment;
}

async function e2eRun(common: CommonArgs, target: Target, load: E2eLoad, statusDelayMs: number): Promise<E2eNumbers> {
  const store = await createStore(target.mode, common.pgUrl);
  const redis = target.deployment.kind === 'scaled' ? redisSpace(common.redisUrl) : null;
  try {
    const world = await startWorld({
      launch: common.launch,
      store,
      deployment: target.deployment,
      env: redis?.env ?? {},
      worker: true,
      statusDelayMs,
    });
    try {
      await createTenant(world.server);
      return await driveE2e(world, load);
    } finally {
      await world.close();
    }
  } finally {
    await store.dispose();
    await redis?.dispose();
  }
}

/** `SxW` (serves × workers), or `no`. */
function scaledTarget(text: string): Target[] {
  if (text === 'no') return [];
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) throw new Error(`--scaled: expected SxW (e.g. 1x2) or no, got ${text}`);
  const serves = positive('scaled', match[1]);
  const workers = positive('scaled', match[2]);
  return [{ label: `scaled ${serves}+${workers}`, mode: 'postgres', deployment: { kind: 'scaled', serves, workers } }];
}

const { common, values } = parseBenchArgs({
  rates: { type: 'string', default: '50,200,500,1000' },
  duration: { type: 'string', default: '30' },
  /** Seconds sent at the rate first, not counted in latency and CPU (JIT, first plans). */
  warmup: { type: 'string', default: '5' },
  contacts: { type: 'string', default: '1000' },
  drain: { type: 'string', default: '15' },
  'keep-up-ms': { type: 'string', default: '1000' },
  'status-delay-ms': { type: 'string', default: '100' },
  /** Also the scaled deployment: S serve and W worker processes (`no`: skip it). */
  scaled: { type: 'string', default: '1x2' },
  /** Keep going after a rate is not held (by default the higher rates are skipped). */
  all: { type: 'string', default: 'no' },
});
const rates = positiveList('rates', values.rates);
const base = {
  warmupS: nonNegative('warmup', values.warmup),
  durationS: positive('duration', values.duration),
  contacts: positive('contacts', values.contacts),
  drainS: positive('drain', values.drain),
  keepUpMs: positive('keep-up-ms', values['keep-up-ms']),
};
const statusDelayMs = Number(values['status-delay-ms']);
const targets: Target[] = [
  ...common.modes.map((mode): Target => ({ label: mode, mode, deployment: SINGLE })),
  ...scaledTarget(String(values.scaled)),
];

const rows: Row[] = [];
const summary: Row = {};
for (const target of targets) {
  let highestHeld = 0;
  for (const rate of rates) {
    const numbers = await e2eRun(common, target, { ...base, rate }, statusDelayMs);
    rows.push({ mode: target.label, ...numbers });
    if (numbers.held) highestHeld = Math.max(highestHeld, rate);
    else if (values.all !== 'yes') break;
  }
  summary[`highest rate held, ${target.label} (msg/s)`] = highestHeld;
}
printResult(
  { bench: 'e2e', machine: machine(), command: command(), server: `waflow (${common.launch.launcher}); scaled: ${String(values.scaled)}`, rows, summary },
  { out: common.out },
);
