/** The embedded adapter: notifications go straight to a keyed runner in this process. */
import { createKeyedRunner, type KeyedRunner } from './keyed-runner.js';
import type { WorkQueue } from './port.js';

export interface InProcessQueueOptions {
  concurrency: number;
  onError(key: string, error: unknown): void;
}

export function createInProcessQueue(options: InProcessQueueOptions): WorkQueue {
  let runner: KeyedRunner | null = null;
  const early: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const notifyOne = (key: string) => {
    if (runner) runner.nudge(key);
    else early.push(key);
  };
  return {
    async notify(keys) {
      for (const key of keys) notifyOne(key);
    },
    notifyLater(key, delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        notifyOne(key);
      }, delayMs);
      timer.unref();
      timers.add(timer);
    },
    consume(handler) {
      runner = createKeyedRunner(handler, options);
      for (const key of early.splice(0)) runner.nudge(key);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await runner?.close();
    },
  };
}
