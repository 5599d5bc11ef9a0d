import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyedRunner, type KeyedHandler } from '../../../src/queue/keyed-runner.js';

/** A handler whose runs each wait until released; records starts, and how many run at once. */
function gatedHandler() {
  const starts: string[] = [];
  const releases: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const handler: KeyedHandler = async (key) => {
    starts.push(key);
    most = Math.max(most, ++running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running--;
  };
  const releaseAll = async () => {
    while (releases.length > 0) {
      for (const release of releases.splice(0)) release();
      await nextTurn();
    }
  };
  return { handler, starts, releaseAll, most: () => most };
}

const noErrors = { onError: (_key: string, error: unknown) => { throw error; } };

describe('createKeyedRunner', () => {
  it('runs a key once more after the run in progress, however often it is scheduled meanwhile', async () => {
    const gated = gatedHandler();
    const runner = createKeyedRunner(gated.handler, { concurrency: 4, ...noErrors });
    const first = runner.schedule('a');
    await nextTurn();
    const waits = Array.from({ length: 500 }, () => runner.schedule('a'));
    for (let i = 0; i < 500; i++) runner.nudge('a');
    await gated.releaseAll();
    await Promise.all([first, ...waits]);
    await runner.idle();
    expect(gated.starts).toEqual(['a', 'a']);
  });

  it('join() waits only when no other caller awaits the next run of its key', async () => {
    const gated = gatedHandler();
    const runner = createKeyedRunner(gated.handler, { concurrency: 4, ...noErrors });
    const settled: string[] = [];
    const track = (name: string, done: Promise<void>) => void done.then(() => settled.push(name));
    track('first', runner.join('a'));
    await nextTurn();
    // 'a' runs: the next join queues the run after it and waits for it; the others ride along at once.
    track('second', runner.join('a'));
    for (let i = 0; i < 100; i++) track(`rider ${i}`, runner.join('a'));
    await nextTurn();
    expect(settled).toEqual(Array.from({ length: 100 }, (_, i) => `rider ${i}`));
    await gated.releaseAll();
    await runner.idle();
    expect(settled.slice(100)).toEqual(['first', 'second']);
    expect(gated.starts).toEqual(['a', 'a']);
  });

  it('join() waits for a run nudged but awaited by nobody', async () => {
    const gated = gatedHandler();
    const runner = createKeyedRunner(gated.handler, { concurrency: 1, ...noErrors });
    runner.nudge('busy');
    runner.nudge('a');
    let resolved = false;
    void runner.join('a').then(() => (resolved = true));
    await nextTurn();
    expect(resolved).toBe(false);
    await gated.releaseAll();
    await runner.idle();
    expect(resolved).toBe(true);
    expect(gated.starts).toEqual(['busy', 'a']);
  });

  it('never runs one key twice at once, and keeps to the concurrency cap', async () => {
    const gated = gatedHandler();
    const runner = createKeyedRunner(gated.handler, { concurrency: 2, ...noErrors });
    for (const key of ['a', 'b', 'c', 'a', 'd']) runner.nudge(key);
    await nextTurn();
    expect(gated.starts).toEqual(['a', 'b']);
    await gated.releaseAll();
    await runner.idle();
    // The second 'a' waits for the first to end, then queues behind the keys already waiting.
    expect(gated.starts.slice(2)).toEqual(['c', 'd', 'a']);
    expect(gated.most()).toBe(2);
  });

  it('resolves schedule() only after a run that started after the call', async () => {
    const gated = gatedHandler();
    const runner = createKeyedRunner(gated.handler, { concurrency: 1, ...noErrors });
    runner.nudge('a');
    await nextTurn();
    let resolved = false;
    const waiting = runner.schedule('a').then(() => (resolved = true));
    await gated.releaseAll();
    await waiting;
    expect(resolved).toBe(true);
    expect(gated.starts).toEqual(['a', 'a']);
  });

  it('takes nothing once closed, and stops its handlers through their signal', async () => {
    const seen: boolean[] = [];
    const runner = createKeyedRunner(
      async (_key, signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        seen.push(signal.aborted);
      },
      { concurrency: 1, ...noErrors },
    );
    runner.nudge('a');
    runner.nudge('b');
    await nextTurn();
    await runner.close();
    runner.nudge('c');
    await expect(runner.schedule('d')).resolves.toBeUndefined();
    expect(seen).toEqual([true]);
  });
});
