import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';

/** A table's counters from PostgreSQL's statistics views. */
export interface TableCounts {
  table: string;
  live: number;
  dead: number;
  /** Rows inserted, updated or deleted since the table was last analyzed. */
  modified: number;
}

type Row = Record<keyof TableCounts, string | number>;

/** The counters of this schema's tables. */
export async function readTableCounts(db: Db): Promise<TableCounts[]> {
  // Counters reach the views at most once a second, when the session is idle: the embedded
  // database's one session rarely is, so they are flushed on request first.
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const result = (await db.execute(sql`
    select relname as "table", n_live_tup as live, n_dead_tup as dead, n_mod_since_analyze as modified
    from pg_stat_user_tables where schemaname = current_schema()`)) as unknown as { rows: Row[] };
  return result.rows.map((row) => ({ table: String(row.table), live: Number(row.live), dead: Number(row.dead), modified: Number(row.modified) }));
}

/** Reclaims the table's dead rows (and freezes old ones, which transaction ids wrapping around needs). */
export async function vacuumTable(db: Db, table: string): Promise<void> {
  await db.execute(sql`vacuum ${sql.identifier(table)}`);
}

/**
 * Refreshes the table's statistics (and so the plans cached for it) from a sample of
 * `statisticsTarget` × 300 rows.
 */
export async function analyzeTable(db: Db, table: string, statisticsTarget: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('default_statistics_target', ${String(statisticsTarget)}, true)`);
    await tx.execute(sql`analyze ${sql.identifier(table)}`);
  });
}
