/**
 * Statements per inbound message under the e2e load at one rate (webhook, flow step, reply and
 * three status webhooks per message), by statement.
 *
 * - PostgreSQL: counted on the wire between the server and the database (`lib/pg-wire-counter.ts`),
 *   by SQL text. Every statement is a round trip and a backend wake-up, so this is the count to
 *   bring down; it does not depend on the machine.
 * - Embedded: every call into PGlite's WebAssembly, counted and timed inside the server by a
 *   preloaded probe (`lib/pglite-probe.ts`), by prepared statement or SQL text: what each
 *   statement costs the server's one event loop (`usEach`, preparing included).
 *
 *   npx tsx bench/statements.ts [--mode embedded,postgres] [--rate 100] [--duration 10] [--contacts 1000] [--top 20]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBenchArgs, positive } from './lib/args.js';
import { driveE2e } from './lib/drive-e2e.js';
import { createPgliteCounter, type StatementTotals } from './lib/pglite-counter.js';
import { startWireCounter } from './lib/pg-wire-counter.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { round } from './lib/stats.js';
import { createStore, type Mode } from './lib/store.js';
import { createTenant, startWorld, type WorldOptions } from './lib/world.js';

/** The last status webhooks of the last replies arrive this long after them. */
const SETTLE_MS = 2_000;

const { common, values } = parseBenchArgs({
  rate: { type: 'string', default: '100' },
  duration: { type: 'string', default: '10' },
  contacts: { type: 'string', default: '1000' },
  drain: { type: 'string', default: '15' },
  top: { type: 'string', default: '20' },
});
const load = {
  rate: positive('rate', values.rate),
  // Every statement counts: no warm-up.
  warmupS: 0,
  durationS: positive('duration', values.duration),
  contacts: positive('contacts', values.contacts),
  drainS: positive('drain', values.drain),
  keepUpMs: 60_000,
};
const top = positive('top', values.top);

/** How one mode's statements are counted: around the server it starts. */
interface Counting {
  world: Pick<WorldOptions, 'env' | 'launch'>;
  start(): Promise<void>;
  counts(): Promise<Map<string, StatementTotals>>;
  close(): Promise<void>;
}

async function counting(mode: Mode, databaseUrl: string | undefined): Promise<Counting> {
  if (mode === 'postgres') {
    const counter = await startWireCounter(databaseUrl!);
    return {
      world: { env: { DATABASE_URL: counter.url }, launch: common.launch },
      start: async () => counter.start(),
      counts: async () => new Map([...counter.counts()].map(([text, statements]) => [text, { statements, ms: Number.NaN }])),
      close: () => counter.close(),
    };
  }
  const counter = createPgliteCounter();
  return {
    world: { env: counter.env, launch: { ...common.launch, nodeFlags: [...common.launch.nodeFlags, ...counter.nodeFlags] } },
    start: () => counter.start(),
    counts: () => counter.counts(),
    close: async () => counter.dispose(),
  };
}

async function measure(mode: Mode): Promise<{ rows: Row[]; summary: Row }> {
  const store = await createStore(mode, common.pgUrl);
  const count = await counting(mode, store.env.DATABASE_URL);
  try {
    const world = await startWorld({ ...count.world, store, worker: true, statusDelayMs: 100 });
    try {
      await createTenant(world.server);
      await count.start();
      const numbers = await driveE2e(world, load);
      await sleep(SETTLE_MS);
      const counts = [...(await count.counts())].sort((a, b) => b[1].statements - a[1].statements || b[1].ms - a[1].ms);
      const perMessage = (n: number) => round(n / numbers.replied, 2);
      const sum = (entries: typeof counts, key: keyof StatementTotals) => entries.reduce((total, [, totals]) => total + totals[key], 0);
      const transactions = counts.filter(([text]) => /^begin\b/i.test(text));
      const timed = mode === 'embedded';
      const rows = counts.slice(0, top).map(([text, totals]) => ({
        mode,
        perMessage: perMessage(totals.statements),
        ...(timed ? { usEach: totals.statements > 0 ? round((totals.ms * 1000) / totals.statements, 0) : null, msPerMessage: perMessage(totals.ms) } : {}),
        statement: text.slice(0, 100),
      }));
      const summary: Row = {
        [`messages, ${mode}`]: numbers.replied,
        [`lost, ${mode}`]: numbers.lost,
        [`statements per message, ${mode}`]: perMessage(sum(counts, 'statements')),
        [`transactions per message, ${mode}`]: perMessage(sum(transactions, 'statements')),
        ...(timed ? { [`ms inside PGlite per message, ${mode}`]: perMessage(sum(counts, 'ms')) } : {}),
      };
      return { rows, summary };
    } finally {
      await world.close();
    }
  } finally {
    await count.close();
    await store.dispose();
  }
}

const rows: Row[] = [];
let summary: Row = {};
for (const mode of common.modes) {
  const result = await measure(mode);
  rows.push(...result.rows);
  summary = { ...summary, ...result.summary };
}
printResult(
  {
    bench: 'statements',
    machine: machine(),
    command: command(),
    server: `waflow serve (${common.launch.launcher}): on PostgreSQL through a counting relay; embedded with a probe timing each call into PGlite`,
    rows,
    summary,
  },
  { out: common.out },
);
