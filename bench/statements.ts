/**
 * Statements per inbound message on PostgreSQL, counted on the wire between the server and the
 * database (`lib/pg-wire-counter.ts`): the e2e load at one rate (webhook, flow step, reply and
 * three status webhooks per message), then every statement the server sent during it, by SQL
 * text, per message. Every statement is a round trip and a backend wake-up, so this is the count
 * to bring down; it does not depend on the machine.
 *
 *   npx tsx bench/statements.ts [--rate 100] [--duration 10] [--contacts 1000] [--top 20]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBenchArgs, positive } from './lib/args.js';
import { driveE2e } from './lib/drive-e2e.js';
import { startWireCounter } from './lib/pg-wire-counter.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { createStore } from './lib/store.js';
import { createTenant, startWorld } from './lib/world.js';

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

const store = await createStore('postgres', common.pgUrl);
const counter = await startWireCounter(store.env.DATABASE_URL!);
let rows: Row[] = [];
let summary: Row = {};
try {
  const world = await startWorld({
    launch: common.launch,
    store,
    env: { DATABASE_URL: counter.url },
    worker: true,
    statusDelayMs: 100,
  });
  try {
    await createTenant(world.server);
    counter.start();
    const numbers = await driveE2e(world, load);
    await sleep(SETTLE_MS);
    const counts = [...counter.counts()].sort((a, b) => b[1] - a[1]);
    const perMessage = (n: number) => Math.round((n / numbers.replied) * 100) / 100;
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const transactions = counts.filter(([text]) => /^begin\b/i.test(text)).reduce((sum, [, n]) => sum + n, 0);
    rows = counts.slice(0, positive('top', values.top)).map(([text, n]) => ({ perMessage: perMessage(n), statement: text.slice(0, 100) }));
    summary = {
      messages: numbers.replied,
      lost: numbers.lost,
      'statements per message': perMessage(total),
      'transactions per message': perMessage(transactions),
    };
  } finally {
    await world.close();
  }
} finally {
  await counter.close();
  await store.dispose();
}
printResult(
  { bench: 'statements', machine: machine(), command: command(), server: `waflow serve (${common.launch.launcher}) on PostgreSQL, through a counting relay`, rows, summary },
  { out: common.out },
);
