/**
 * Named prepared statements on PGlite, bound and executed in one call into the database. PGlite's
 * `query()` makes six calls into its WebAssembly per query (parse, describe, bind, describe,
 * execute, sync) and parses and plans the text every time: 2.3 ms for the contact upsert, where
 * the same statement prepared (and its columns described) once and then bound, executed and
 * synced in one call takes 0.3 ms.
 * The hot-path statements (`statement.ts`) run this way on the embedded database, as they run as
 * named prepared statements on PostgreSQL. Rows are read with PGlite's own result parser, and
 * messages written with its protocol serializer except the per-call Bind (below).
 *
 * Parameters go as text, converted as PGlite's `query()` converts them (Dates as ISO strings, arrays
 * as array literals, objects as JSON); result values go through the client's type parsers, as
 * `query()` would pass them.
 */
// A value import of PGlite: this module is loaded only with the embedded database (`client.ts`).
import { parse, protocol, type PGlite } from '@electric-sql/pglite';

const { serialize } = protocol;

type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

/** Runs the statement `name` (prepared from `text` on first use) and returns its rows. */
export type RunPrepared = (name: string, text: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

export interface PreparedRunners {
  /** Outside transactions: waits for any transaction in progress, like `query()`. */
  root: RunPrepared;
  /** Inside the transaction that holds the database. */
  inTransaction: RunPrepared;
}

/** One per client: the statements it has prepared live in its one session. */
const runnersOf = new WeakMap<PGlite, PreparedRunners>();

export function preparedRunners(client: PGlite): PreparedRunners {
  let runners = runnersOf.get(client);
  if (!runners) runnersOf.set(client, (runners = newRunners(client)));
  return runners;
}

function newRunners(client: PGlite): PreparedRunners {
  /** Each prepared statement's columns (none for a statement that returns no rows). */
  const columnsOf = new Map<string, BackendMessage[]>();
  const prepare = async (name: string, text: string) => {
    const { messages } = await client.execProtocol(
      Buffer.concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const columns = messages.filter((message) => message.name === 'rowDescription');
    columnsOf.set(name, columns);
    return columns;
  };
  const run = async (name: string, text: string, params: readonly unknown[], inTransaction: boolean) => {
    const columns = columnsOf.get(name) ?? (await prepare(name, text));
    const { messages } = await client.execProtocol(runMessage(name, params.map(toText)), { syncToFs: !inTransaction });
    return parse.parseResults([...columns, ...messages], client.parsers)[0]?.rows ?? [];
  };
  return {
    root: (name, text, params) =>
      client._runExclusiveTransaction(() => client._runExclusiveQuery(() => run(name, text, params, false))),
    inTransaction: (name, text, params) => client._runExclusiveQuery(() => run(name, text, params, true)),
  };
}

/** A parameter as text. */
export function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map(arrayElement).join(',')}}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function arrayElement(value: unknown): string {
  if (Array.isArray(value)) return toText(value)!;
  const text = toText(value);
  return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * What follows every Bind: run it, end the cycle. The columns are not described again: the
 * statement's were read once when it was prepared, and its rows are parsed with them.
 */
const AFTER_BIND = Buffer.concat([serialize.execute({}), serialize.sync()]);

/**
 * Bind (the unnamed portal of statement `name`, every parameter and result column as text), then
 * AFTER_BIND, written straight into one buffer: this runs for every statement, and PGlite's
 * serializer takes 27 µs for a six-parameter Bind where this takes 4 µs.
 */
function runMessage(name: string, values: readonly (string | null)[]): Uint8Array {
  const encoded = values.map((value) => (value === null ? null : Buffer.from(value, 'utf8')));
  const bindLength = 4 + 1 + Buffer.byteLength(name) + 1 + 2 + 2 + encoded.reduce((sum, bytes) => sum + 4 + (bytes?.length ?? 0), 0) + 2;
  const message = Buffer.allocUnsafe(1 + bindLength + AFTER_BIND.length);
  let at = message.writeUInt8('B'.charCodeAt(0), 0);
  at = message.writeInt32BE(bindLength, at);
  at = message.writeUInt8(0, at); // unnamed portal
  at += message.write(name, at, 'utf8');
  at = message.writeUInt8(0, at);
  at = message.writeInt16BE(0, at); // parameters as text
  at = message.writeInt16BE(encoded.length, at);
  for (const bytes of encoded) {
    at = message.writeInt32BE(bytes ? bytes.length : -1, at);
    if (bytes) at += bytes.copy(message, at);
  }
  at = message.writeInt16BE(0, at); // result columns as text
  message.set(AFTER_BIND, at);
  return message;
}
