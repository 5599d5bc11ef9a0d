import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { groupCommit } from '../../../src/queue/group-commit.js';

/** A batch runner whose batches end only when the test says so. */
function heldBatches() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.join();
  };
  return { batches, run, releaseNext: () => releases.shift()?.() };
}

it('runs the calls of one turn as one batch, in call order, and shares its result', async () => {
  const batches: number[][] = [];
  const add = groupCommit(async (items: number[]) => {
    batches.push(items);
    return items.length;
  });
  const results = await Promise.all([add(1), add(2), add(3)]);
  expect(batches).toEqual([[1, 2, 3]]);
  expect(results).toEqual([3, 3, 3]);
});

it('gathers the calls made while a batch runs into the next one, started when it ends', async () => {
  const held = heldBatches();
  const add = groupCommit(held.run);
  const first = add('a');
  await nextTurn();
  await nextTurn();
  const later = [add('b'), add('c')];
  await nextTurn();
  await nextTurn();
  add('d');
  await nextTurn();
  expect(held.batches).toEqual([['a']]);
  held.releaseNext();
  await expect(first).resolves.toBe('a');
  await nextTurn();
  expect(held.batches).toEqual([['a'], ['b', 'c', 'd']]);
  held.releaseNext();
  await expect(Promise.all(later)).resolves.toEqual(['b,c,d', 'b,c,d']);
});

it('runs up to maxInFlight batches at once', async () => {
  const held = heldBatches();
  const add = groupCommit(held.run, { maxInFlight: 2 });
  const first = add('a');
  await nextTurn();
  await nextTurn();
  const second = add('b');
  await nextTurn();
  await nextTurn();
  const third = add('c');
  await nextTurn();
  await nextTurn();
  expect(held.batches).toEqual([['a'], ['b']]);
  held.releaseNext();
  await expect(first).resolves.toBe('a');
  await nextTurn();
  expect(held.batches).toEqual([['a'], ['b'], ['c']]);
  held.releaseNext();
  held.releaseNext();
  await expect(Promise.all([second, third])).resolves.toEqual(['b', 'c']);
});

it('rejects every caller of a failed batch, also one that threw before awaiting, and keeps working', async () => {
  let fail: 'async' | 'sync' | null = 'async';
  const add = groupCommit((items: string[]) => {
    if (fail === 'sync') throw new Error('bad batch');
    if (fail === 'async') return Promise.reject(new Error('store down'));
    return Promise.resolve(items);
  });
  const failed = await Promise.allSettled([add('a'), add('b')]);
  expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  fail = 'sync';
  await expect(add('c')).rejects.toThrow('bad batch');
  fail = null;
  await expect(add('d')).resolves.toEqual(['d']);
});
