/**
 * Group commit for the inbox: records from concurrent webhook requests are written together, at
 * most two INSERTs in flight; the requests that arrive meanwhile go in the next one. Each request
 * waits for the commit that holds its rows, so "200" still means "durably stored", at a fraction
 * of the per-request cost.
 */
import type { Db } from '../db/client.js';
import { insertInboundEvents, type NewInboundEvent } from '../db/repositories/inbox.js';
import { groupCommit } from '../queue/group-commit.js';

export interface InboxWriter {
  /** Resolves with the dedupe keys that were new, once they are committed. */
  write(rows: readonly NewInboundEvent[]): Promise<Set<string>>;
}

export function createInboxWriter(db: Db, maxRowsPerInsert = 1_000): InboxWriter {
  const insertTogether = groupCommit(async (batches: (readonly NewInboundEvent[])[]) => {
    const rows = batches.flat();
    const inserted = new Set<string>();
    for (let start = 0; start < rows.length; start += maxRowsPerInsert) {
      for (const key of await insertInboundEvents(db, rows.slice(start, start + maxRowsPerInsert))) inserted.add(key);
    }
    return inserted;
  }, { maxInFlight: 2 });

  return {
    async write(rows) {
      if (rows.length === 0) return new Set();
      const inserted = await insertTogether(rows);
      return new Set(rows.map((row) => row.dedupeKey).filter((key) => inserted.has(key)));
    },
  };
}
