/**
 * Turn-taking on the embedded database. PGlite serves every `query()` and `transaction()` from one
 * FIFO queue, and its work is synchronous WebAssembly chained through promises: while calls are
 * queued, Node never gets back to its sockets. Under load a webhook waited for every worker
 * transaction queued before it — seconds, while Meta waits for our 200 — and was often not even
 * read off the socket.
 *
 * `takingTurns` puts everything but the webhook path in a queue of its own that hands PGlite one
 * call at a time, each on a later turn of the event loop. Between two background calls Node reads
 * the sockets, and the webhook path, which calls PGlite directly, waits for at most the one call
 * in progress. Over capacity, webhooks are still stored and acknowledged at once and the
 * conversations fall behind (a durable backlog), rather than the other way round.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import type { RunPrepared } from './pglite-prepared.js';

/** The two calls the drizzle driver makes on its client, and the hot-path statements' own (`statement.ts`). */
export type PgliteCalls = Pick<PGlite, 'query' | 'transaction'> & { runPrepared: RunPrepared };

export function takingTurns(client: PgliteCalls): PgliteCalls {
  // Never rejects: a failed call is its caller's, and the next call still takes its turn.
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(call: () => Promise<T>): Promise<T> => {
    const result = last.then(() => nextTurn()).then(call);
    last = result.catch(() => undefined);
    return result;
  };
  return {
    query: <T>(text: string, params?: unknown[], options?: QueryOptions) => inTurn(() => client.query<T>(text, params, options)),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) => inTurn(() => client.transaction(callback)),
    runPrepared: (name, text, params) => inTurn(() => client.runPrepared(name, text, params)),
  };
}
