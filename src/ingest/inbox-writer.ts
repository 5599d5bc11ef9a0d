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

type Request = readonly NewInboundEvent[];
/** What became of each request of a batch: the keys it stored, or why it could not be stored. */
type Outcomes = Map<Request, { inserted: Set<string> } | { error: unknown }>;

export function createInboxWriter(db: Db, maxRowsPerInsert = 1_000): InboxWriter {
  /** All or nothing: a request retried after a partial write would find its first rows "not new" and notify nobody. */
  const insertAll = async (rows: Request): Promise<Set<string>> => {
    if (rows.length <= maxRowsPerInsert) return insertInboundEvents(db, rows);
    return db.transaction(async (tx) => {
      const inserted = new Set<string>();
      for (let start = 0; start < rows.length; start += maxRowsPerInsert) {
        for (const key of await insertInboundEvents(tx, rows.slice(start, start + maxRowsPerInsert))) inserted.add(key);
      }
      return inserted;
    });
  };

  const insertTogether = groupCommit(async (requests: Request[]): Promise<Outcomes> => {
    try {
      const inserted = await insertAll(requests.flat());
      return new Map(requests.map((request) => [request, { inserted }]));
    } catch (error) {
      if (requests.length === 1) throw error;
      // One request's rows must not fail the others that shared its INSERT: each on its own.
      const outcomes: Outcomes = new Map();
      for (const request of requests) {
        outcomes.set(request, await insertAll(request).then((inserted) => ({ inserted }), (error: unknown) => ({ error })));
      }
      return outcomes;
    }
  }, { maxInFlight: 2 });

  return {
    async write(rows) {
      if (rows.length === 0) return new Set();
      const outcome = (await insertTogether(rows)).get(rows)!;
      if ('error' in outcome) throw outcome.error;
      return new Set(rows.map((row) => row.dedupeKey).filter((key) => outcome.inserted.has(key)));
    },
  };
}
