/**
 * Group commit for the inbox: records from concurrent webhook requests are written in one INSERT
 * per turn of the event loop. Each request waits for the commit that holds its rows, so "200"
 * still means "durably stored", at a fraction of the per-request cost.
 */
import type { Db } from '../db/client.js';
import { insertInboundEvents, type NewInboundEvent } from '../db/repositories/inbox.js';

export interface InboxWriter {
  /** Resolves with the dedupe keys that were new, once they are committed. */
  write(rows: readonly NewInboundEvent[]): Promise<Set<string>>;
}

interface Waiter {
  rows: readonly NewInboundEvent[];
  resolve(keys: Set<string>): void;
  reject(error: unknown): void;
}

export function createInboxWriter(db: Db, maxRowsPerInsert = 1_000): InboxWriter {
  let waiting: Waiter[] = [];
  let scheduled = false;

  const flush = async () => {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    try {
      const rows = batch.flatMap((waiter) => waiter.rows);
      const inserted = new Set<string>();
      for (let start = 0; start < rows.length; start += maxRowsPerInsert) {
        for (const key of await insertInboundEvents(db, rows.slice(start, start + maxRowsPerInsert))) inserted.add(key);
      }
      for (const waiter of batch) waiter.resolve(new Set(waiter.rows.map((row) => row.dedupeKey).filter((key) => inserted.has(key))));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  };

  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve(new Set());
      return new Promise((resolve, reject) => {
        waiting.push({ rows, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}
