/**
 * Named prepared statements on PGlite, bound and executed in one call into the database. PGlite's
 * `query()` makes six calls into its WebAssembly per query (parse, describe, bind, describe,
 * execute, sync) and parses and plans the text every time: 2.3 ms for the contact upsert, where
 * the same statement prepared once and then bound, executed and synced in one call takes 0.3 ms.
 * The hot-path statements (`statement.ts`) run this way on the embedded database, as they run as
 * named prepared statements on PostgreSQL.
 *
 * Parameters go as text, converted as PGlite's `query()` converts them (Dates as ISO strings, arrays
 * as array literals, objects as JSON); result values go through the client's type parsers, as
 * `query()` would pass them.
 */
import type { PGlite } from '@electric-sql/pglite';

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
  const prepared = new Set<string>();
  const run = async (name: string, text: string, params: readonly unknown[], inTransaction: boolean) => {
    if (!prepared.has(name)) {
      await client.execProtocol(concat([parseMessage(name, text), SYNC]), { syncToFs: false });
      prepared.add(name);
    }
    const { messages } = await client.execProtocol(runMessage(name, params.map(toText)), { syncToFs: !inTransaction });
    return rowsOf(messages as readonly BackendMessage[], client.parsers);
  };
  return {
    root: (name, text, params) =>
      client._runExclusiveTransaction(() => client._runExclusiveQuery(() => run(name, text, params, false))),
    inTransaction: (name, text, params) => client._runExclusiveQuery(() => run(name, text, params, true)),
  };
}

/** The two backend messages rows are made of (pg-protocol's shapes, as PGlite parses them). */
type BackendMessage =
  | { name: 'rowDescription'; fields: readonly { name: string; dataTypeID: number }[] }
  | { name: 'dataRow'; fields: readonly (string | null)[] }
  | { name: string };

type Parsers = Record<number, (value: string, typeId: number) => unknown>;

function rowsOf(messages: readonly BackendMessage[], parsers: Parsers): Record<string, unknown>[] {
  let columns: readonly { name: string; dataTypeID: number }[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const message of messages) {
    if (message.name === 'rowDescription') columns = (message as Extract<BackendMessage, { name: 'rowDescription' }>).fields;
    if (message.name !== 'dataRow') continue;
    const values = (message as Extract<BackendMessage, { name: 'dataRow' }>).fields;
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const value = values[i] ?? null;
      const parse = parsers[column.dataTypeID];
      row[column.name] = value === null || !parse ? value : parse(value, column.dataTypeID);
    });
    rows.push(row);
  }
  return rows;
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

// Frontend messages of the extended query protocol (PostgreSQL docs, "Message Formats").

const encoder = new TextEncoder();

/** A message: its type byte, then its length (itself included) and its body. */
function frame(type: string, body: Uint8Array): Uint8Array {
  const message = new Uint8Array(5 + body.length);
  const view = new DataView(message.buffer);
  message[0] = type.charCodeAt(0);
  view.setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

const cString = (text: string) => concat([encoder.encode(text), new Uint8Array([0])]);

function int16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setInt16(0, value);
  return bytes;
}

function int32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
}

/** Parse: the statement's name and text, parameter types left to the server. */
const parseMessage = (name: string, text: string) => frame('P', concat([cString(name), cString(text), int16(0)]));

const DESCRIBE_PORTAL = frame('D', concat([new Uint8Array(['P'.charCodeAt(0)]), cString('')]));
const EXECUTE = frame('E', concat([cString(''), int32(0)]));
const SYNC = frame('S', new Uint8Array(0));
/** What follows every Bind: describe the portal's columns, run it, end the cycle. */
const AFTER_BIND = concat([DESCRIBE_PORTAL, EXECUTE, SYNC]);

/**
 * Bind (the unnamed portal of statement `name`, every parameter and result column as text), then
 * AFTER_BIND: written straight into one buffer, as this runs for every statement.
 */
function runMessage(name: string, values: readonly (string | null)[]): Uint8Array {
  const encoded = values.map((value) => (value === null ? null : Buffer.from(value, 'utf8')));
  const nameLength = Buffer.byteLength(name);
  const bindLength = 4 + 1 + nameLength + 1 + 2 + 2 + encoded.reduce((sum, bytes) => sum + 4 + (bytes?.length ?? 0), 0) + 2;
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
