/**
 * Group commit for concurrent callers: every caller waits for, and shares the result of, one
 * batch. A batch starts on the next turn of the event loop, so the callers of one turn share it;
 * while `maxInFlight` batches are running, new callers gather into the next one, which starts as
 * soon as one of them ends. Under load each write carries more items instead of more writes
 * queuing up behind each other (a burst of webhooks costs one INSERT or one Redis round trip), and
 * when idle nobody waits longer than a turn for company.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface GroupCommitOptions {
  /** Batches running at once (default 1): more overlap round trips, fewer make bigger batches. */
  maxInFlight?: number;
}

interface Gathering<Item, Result> {
  items: Item[];
  done: Promise<Result>;
  settle(run: Promise<Result>): void;
}

export function groupCommit<Item, Result>(
  run: (items: Item[]) => Promise<Result>,
  { maxInFlight = 1 }: GroupCommitOptions = {},
): (item: Item) => Promise<Result> {
  let gathering: Gathering<Item, Result> | null = null;
  let inFlight = 0;

  const startGathered = (): void => {
    if (gathering === null || inFlight >= maxInFlight) return;
    const batch = gathering;
    gathering = null;
    inFlight += 1;
    const running = new Promise<Result>((resolve) => resolve(run(batch.items)));
    batch.settle(running);
    running
      .catch(() => undefined) // its callers see the rejection; the next batch must still start
      .finally(() => {
        inFlight -= 1;
        startGathered();
      });
  };

  return (item) => {
    if (gathering === null) {
      gathering = gather();
      if (inFlight < maxInFlight) void nextTurn().then(startGathered);
    }
    gathering.items.push(item);
    return gathering.done;
  };
}

function gather<Item, Result>(): Gathering<Item, Result> {
  let settle!: (run: Promise<Result>) => void;
  const done = new Promise<Result>((resolve) => (settle = resolve));
  return { items: [], done, settle };
}
