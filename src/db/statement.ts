/**
 * Hot-path statements: SQL text written once and run with positional parameters. Building a
 * query with drizzle's builders costs 50–350 µs of CPU each time (a fifth of a message's server
 * CPU in profiles); a statement costs nothing to build, and on PostgreSQL it is a named prepared
 * statement, parsed and planned once per connection instead of once per message.
 *
 * Rows come back keyed by the table's TypeScript names (the select lists alias them) and are
 * decoded with the columns' own mappers, so they equal what drizzle's builders return.
 */
import { getTableColumns, is, SQL, type Column, type Table } from 'drizzle-orm';
import type { Db } from './client.js';
import type { PgliteCalls } from './turns.js';

/** Runs the statement; rows are typed as `Row`, which must match the text's select list (unchecked). */
export type Statement<Row = Record<string, unknown>> = (db: Db, params: readonly unknown[]) => Promise<Row[]>;

/** `name` must be unique per text: PostgreSQL keeps one plan per name on each connection. */
export function statement<Row = Record<string, unknown>>(name: string, text: string): Statement<Row> {
  return async (db, params) => {
    // The embedded database's clients run prepared statements themselves (`pglite-prepared.ts`).
    const { client } = db._.session as unknown as { client?: Partial<Pick<PgliteCalls, 'runPrepared'>> };
    if (client?.runPrepared) return (await client.runPrepared(name, text, params)) as Row[];
    const prepared = db._.session.prepareQuery({ sql: text, params: [...params] }, undefined, name, false);
    const result = (await prepared.execute()) as { rows: Row[] };
    return result.rows;
  };
}

type Key<T extends Table> = keyof T['$inferSelect'] & string;

/** Which columns a select list names and reads back: all or `keys`, from table alias `from`, as `prefix` + key. */
export interface Selection<K extends string> {
  keys?: readonly K[];
  from?: string;
  prefix?: string;
}

function columnsOf<T extends Table>(table: T, keys?: ReadonlyArray<Key<T>>): Array<[string, Column]> {
  const all = Object.entries(getTableColumns(table));
  return keys ? all.filter(([key]) => keys.includes(key as Key<T>)) : all;
}

/** `"db_name" as "key", …` for the selected columns of `table` (`f."trigger" as "flow.trigger"`). */
export function selectList<T extends Table>(table: T, selection: Selection<Key<T>> = {}): string {
  const from = selection.from ? `${selection.from}.` : '';
  return columnsOf(table, selection.keys)
    .map(([key, column]) => `${from}"${column.name}" as "${selection.prefix ?? ''}${key}"`)
    .join(', ');
}

/** Decodes a row read with the same `selectList` into the table's row type (or the selected keys of it). */
export function rowReader<T extends Table>(table: T, selection?: Omit<Selection<Key<T>>, 'keys'>): (raw: Record<string, unknown>) => T['$inferSelect'];
export function rowReader<T extends Table, K extends Key<T>>(
  table: T,
  selection: Selection<K> & { keys: readonly K[] },
): (raw: Record<string, unknown>) => Pick<T['$inferSelect'], K>;
export function rowReader<T extends Table>(table: T, selection: Selection<Key<T>> = {}): (raw: Record<string, unknown>) => unknown {
  const columns = columnsOf(table, selection.keys);
  const prefix = selection.prefix ?? '';
  return (raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) row[key] = decode(column, raw[prefix + key]);
    return row;
  };
}

/**
 * Rows to insert in one parameter: a JSON array turned back into rows by `jsonb_to_recordset`,
 * so a multi-row insert has one text whatever the number of rows (one prepared statement).
 * A key left undefined takes the column's value default (`.default('text')`), else null.
 */
export interface Recordset<Insert> {
  /** `"db_a", "db_b"`: the insert's column list. */
  columns: string;
  /** `select … from jsonb_to_recordset($n::jsonb) as r(…)` reading parameter `param` (`$1`). */
  select(param: string): string;
  encode(rows: readonly Insert[]): string;
}

export function recordset<T extends Table>(
  table: T,
  keys: ReadonlyArray<keyof T['$inferInsert'] & string>,
): Recordset<T['$inferInsert']> {
  const all = getTableColumns(table);
  const chosen = keys.map((key) => {
    const column = all[key]!;
    const fallback = column.hasDefault && !is(column.default, SQL) ? column.default : null;
    return { key, name: column.name, type: column.getSQLType(), fallback };
  });
  const columns = chosen.map(({ name }) => `"${name}"`).join(', ');
  const definition = chosen.map(({ name, type }) => `"${name}" ${type}`).join(', ');
  const selected = chosen.map(({ name }) => `r."${name}"`).join(', ');
  return {
    columns,
    select: (param) => `select ${selected} from jsonb_to_recordset(${param}::jsonb) as r(${definition})`,
    // Dates become ISO strings and jsonb values stay nested: JSON.stringify does both.
    encode: (rows) =>
      JSON.stringify(
        rows.map((row) => {
          const record: Record<string, unknown> = {};
          for (const { key, name, fallback } of chosen) record[name] = (row as Record<string, unknown>)[key] ?? fallback;
          return record;
        }),
      ),
  };
}

/** One value read with a statement, decoded as `column` decodes it (null stays null). */
function decode<C extends Column>(column: C, value: unknown): C['_']['data'] | null {
  return value === null || value === undefined ? null : (column.mapFromDriverValue(value) as C['_']['data']);
}
