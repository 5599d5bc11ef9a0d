/**
 * Work from concurrent callers, done once per turn of the event loop: every caller of the same
 * turn waits for, and shares the result of, one batch. A burst of webhooks costs one INSERT or one
 * Redis round trip instead of one each, and no caller waits longer than a turn for company.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export function perTurn<Item, Result>(run: (items: Item[]) => Promise<Result>): (item: Item) => Promise<Result> {
  let items: Item[] = [];
  let batch: Promise<Result> | null = null;
  return (item) => {
    items.push(item);
    batch ??= nextTurn().then(() => {
      const taken = items;
      items = [];
      batch = null;
      return run(taken);
    });
    return batch;
  };
}
