import { expect, it } from 'vitest';
import { perTurn } from '../../../src/queue/per-turn.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('runs the calls of one turn as one batch, in call order, and shares its result', async () => {
  const batches: number[][] = [];
  const add = perTurn(async (items: number[]) => {
    batches.push(items);
    return items.length;
  });
  const results = await Promise.all([add(1), add(2), add(3)]);
  expect(batches).toEqual([[1, 2, 3]]);
  expect(results).toEqual([3, 3, 3]);
});

it('starts a new batch for calls made on a later turn, even while the earlier one runs', async () => {
  const batches: string[][] = [];
  let finishFirst!: () => void;
  const firstRunning = new Promise<void>((resolve) => (finishFirst = resolve));
  const add = perTurn(async (items: string[]) => {
    batches.push(items);
    if (items[0] === 'a') await firstRunning;
    return items.join();
  });
  const first = add('a');
  await nextTurn();
  await nextTurn();
  const second = add('b');
  await expect(second).resolves.toBe('b');
  finishFirst();
  await expect(first).resolves.toBe('a');
  expect(batches).toEqual([['a'], ['b']]);
});

it('rejects every caller of a failed batch and keeps working', async () => {
  let fail = true;
  const add = perTurn(async (items: string[]) => {
    if (fail) throw new Error('store down');
    return items;
  });
  const failed = await Promise.allSettled([add('a'), add('b')]);
  expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  fail = false;
  await expect(add('c')).resolves.toEqual(['c']);
});
