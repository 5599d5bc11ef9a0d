/**
 * drizzle hands PGlite the same type parsers with every query (timestamps, dates, intervals and
 * their arrays kept as text, for drizzle's own column mappers), and PGlite merges them into a
 * fresh copy of its 318 built-in parsers each time: about half the cost of a small query.
 * `withClientParsers` installs those parsers on the client once and drops the per-query copy on
 * the way in, on the client and inside its transactions.
 */
// Loaded only with the embedded database (`client.ts` imports it on demand), never in PostgreSQL mode.
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import { preparedRunners, type RunPrepared } from './pglite-prepared.js';
import type { PgliteCalls } from './turns.js';

const asText = (value: string) => value;

/** The type OIDs drizzle's PGlite driver keeps as text on every query (drizzle-orm/pglite/session). */
const TEXT_TYPES = [
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1082, // date
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
];

const withoutParsers = (options: QueryOptions | undefined): QueryOptions | undefined => {
  if (!options?.parsers) return options;
  const { parsers: _sameAsTheClients, ...rest } = options;
  return rest;
};

/** A transaction with `runPrepared`, the hot-path statements' way in (`statement.ts`). */
export type PreparingTransaction = Transaction & { runPrepared: RunPrepared };

function onTransaction(tx: Transaction, runPrepared: RunPrepared): PreparingTransaction {
  return Object.assign(Object.create(tx) as Transaction, {
    query: <T>(text: string, params?: unknown[], options?: QueryOptions) => tx.query<T>(text, params, withoutParsers(options)),
    runPrepared,
  });
}

export function withClientParsers(client: PGlite): PgliteCalls {
  // Installed after start-up: PGlite builds its array parsers then and would replace ours.
  for (const type of TEXT_TYPES) client.parsers[type] = asText;
  const prepared = preparedRunners(client);
  return {
    query: <T>(text: string, params?: unknown[], options?: QueryOptions) => client.query<T>(text, params, withoutParsers(options)),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) =>
      client.transaction((tx) => callback(onTransaction(tx, prepared.inTransaction))),
    runPrepared: prepared.root,
  };
}
