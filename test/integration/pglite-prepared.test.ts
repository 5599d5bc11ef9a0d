/**
 * Named prepared statements on a real (in-memory) PGlite: the same rows as `query()`, the same
 * transaction semantics (inside a transaction they see its writes; outside they wait for it), and
 * errors that leave the session usable.
 */
import { PGlite } from '@electric-sql/pglite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withClientParsers, type PreparingTransaction } from '../../src/db/pglite-parsers.js';
import { toText } from '../../src/db/pglite-prepared.js';

let client: PGlite;

beforeAll(async () => {
  client = await PGlite.create();
  await client.exec('create table item (id text primary key, n int, doc jsonb, at timestamptz, tags text[], ok boolean)');
});
afterAll(async () => {
  await client.close();
});

const INSERT = 'insert into item (id, n, doc, at, tags, ok) values ($1, $2, $3, $4, $5, $6) returning *';

it('returns the rows query() returns, parameters converted the same way', async () => {
  const calls = withClientParsers(client);
  const values = ['a', 7, { deep: ['x', 1] }, new Date('2026-01-02T03:04:05.678Z'), ['plain', 'with "quotes"', 'back\\slash', null], true];
  const viaPrepared = await calls.runPrepared('item_insert', INSERT, values);
  const viaQuery = await calls.query('select * from item where id = $1', ['a']);
  expect(viaPrepared).toEqual(viaQuery.rows);
  expect(viaPrepared[0]).toMatchObject({ id: 'a', n: 7, doc: { deep: ['x', 1] }, tags: ['plain', 'with "quotes"', 'back\\slash', null], ok: true });
  // Prepared once, run again with other values.
  const [again] = await calls.runPrepared('item_insert', INSERT, ['b', null, null, null, [], false]);
  expect(again).toMatchObject({ id: 'b', n: null, doc: null, at: null, tags: [], ok: false });
});

it('inside a transaction sees its writes, and a rollback undoes them', async () => {
  const calls = withClientParsers(client);
  const count = 'select count(*)::int as n from item where id = $1';
  await expect(
    calls.transaction(async (tx) => {
      const { runPrepared } = tx as PreparingTransaction;
      await runPrepared('item_insert', INSERT, ['t1', 1, null, null, null, null]);
      expect(await runPrepared('item_count', count, ['t1'])).toEqual([{ n: 1 }]);
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  expect(await calls.runPrepared('item_count', count, ['t1'])).toEqual([{ n: 0 }]);
});

it('outside a transaction waits for the one in progress instead of running inside it', async () => {
  const calls = withClientParsers(client);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let inserted!: () => void;
  const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
  const transaction = calls
    .transaction(async (tx) => {
      await (tx as PreparingTransaction).runPrepared('item_insert', INSERT, ['t2', 2, null, null, null, null]);
      inserted();
      await held;
      throw new Error('roll back');
    })
    .catch(() => undefined);
  await insertedYet;
  let answered = false;
  const outside = calls.runPrepared('item_count', 'select count(*)::int as n from item where id = $1', ['t2']).then((rows) => {
    answered = true;
    return rows;
  });
  for (let turn = 0; turn < 5; turn++) await nextTurn();
  expect(answered).toBe(false);
  release();
  await transaction;
  expect(await outside).toEqual([{ n: 0 }]);
});

it('throws the database error, with its code, and the session goes on', async () => {
  const calls = withClientParsers(client);
  await calls.runPrepared('item_insert', INSERT, ['dup', 1, null, null, null, null]);
  await expect(calls.runPrepared('item_insert', INSERT, ['dup', 1, null, null, null, null])).rejects.toMatchObject({ code: '23505' });
  await expect(calls.runPrepared('item_broken', 'select * from no_such_table', [])).rejects.toMatchObject({ code: '42P01' });
  expect(await calls.runPrepared('item_count', 'select count(*)::int as n from item where id = $1', ['dup'])).toEqual([{ n: 1 }]);
});

it('writes parameters as PostgreSQL text', () => {
  expect(toText(null)).toBeNull();
  expect(toText(undefined)).toBeNull();
  expect(toText(12.5)).toBe('12.5');
  expect(toText(10n)).toBe('10');
  expect(toText(false)).toBe('false');
  expect(toText(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  expect(toText({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
  expect(toText(['a', 'b"c', 'd\\e', null, ['f']])).toBe('{"a","b\\"c","d\\\\e",NULL,{"f"}}');
});
