/**
 * Autovacuum's job on the embedded database. PGlite runs PostgreSQL inside this process with no
 * autovacuum daemon, so nothing else refreshes the planner's statistics or reclaims dead rows.
 * Without this, a statement planned while a table was nearly empty keeps that plan (a sequential
 * scan) for the life of the process: each status batch then reads every stored message and
 * inbox event, and costs more with every message. Analyzing a table also drops the cached plans
 * that use it, so they are made again for its real size.
 *
 * The thresholds are autovacuum's defaults: a table is analyzed once 50 rows + 10 % of it
 * changed, and vacuumed once 50 rows + 20 % of it are dead. Vacuuming also freezes old rows,
 * which PostgreSQL needs before its transaction ids wrap around.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { analyzeTable, readTableCounts, vacuumTable, type TableCounts } from '../db/repositories/table-stats.js';

export interface Upkeep {
  table: string;
  action: 'vacuum' | 'analyze';
}

/** autovacuum_{vacuum,analyze}_threshold and _scale_factor, PostgreSQL's defaults. */
const THRESHOLDS = {
  vacuum: { base: 50, fraction: 0.2, count: (t: TableCounts) => t.dead },
  analyze: { base: 50, fraction: 0.1, count: (t: TableCounts) => t.modified },
} as const;

/**
 * The planner needs table sizes and the spread of keys, not fine histograms: a sample of 3,000
 * rows (PostgreSQL samples 30,000) keeps an ANALYZE of a 100k-row table near 20 ms, not 170.
 */
const STATISTICS_TARGET = 10;

/** The most overdue vacuum or analyze (furthest past its threshold), or null when none is due. */
export function nextUpkeep(tables: readonly TableCounts[]): Upkeep | null {
  let next: Upkeep | null = null;
  let worst = 1;
  for (const table of tables) {
    for (const action of ['vacuum', 'analyze'] as const) {
      const { base, fraction, count } = THRESHOLDS[action];
      const overdue = count(table) / (base + fraction * table.live);
      if (overdue > worst) {
        worst = overdue;
        next = { table: table.table, action };
      }
    }
  }
  return next;
}

/** Does the most overdue vacuum or analyze, if any; returns it. */
export async function upkeepOnce(db: Db): Promise<Upkeep | null> {
  const next = nextUpkeep(await readTableCounts(db));
  if (next?.action === 'vacuum') await vacuumTable(db, next.table);
  if (next?.action === 'analyze') await analyzeTable(db, next.table, STATISTICS_TARGET);
  return next;
}

/**
 * Runs one upkeep step every `everyMs`. One table at a time: each step blocks the process (the
 * database runs in it) for at most a few tens of milliseconds, where doing every due table at
 * once stalled webhooks for a few hundred.
 */
export function scheduleTableUpkeep(db: Db, log: Logger, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    upkeepOnce(db)
      .then(
        (done) => {
          if (done) log.debug(done, 'embedded database upkeep');
        },
        (error: unknown) => log.warn({ err: error }, 'embedded database upkeep failed; will try again'),
      )
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
