/**
 * Runs an async handler per key, never twice at once for the same key, in the order keys were
 * scheduled, with a global concurrency cap. Scheduling a key that is already running queues
 * exactly one more run after it (the handler drains everything it finds, so one is enough).
 */
export interface KeyedRunner {
  schedule(key: string): void;
  /** Resolves once nothing is running or waiting. */
  idle(): Promise<void>;
  /** Stops taking new keys and waits for the runs in progress. */
  close(): Promise<void>;
}

export interface KeyedRunnerOptions {
  concurrency: number;
  onError(key: string, error: unknown): void;
}

export function createKeyedRunner(handler: (key: string) => Promise<void>, options: KeyedRunnerOptions): KeyedRunner {
  const running = new Set<string>();
  const again = new Set<string>();
  const waiting: string[] = [];
  const waitingSet = new Set<string>();
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  const settleIdle = () => {
    if (running.size > 0 || waiting.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (running.size < options.concurrency && waiting.length > 0) {
      const key = waiting.shift()!;
      waitingSet.delete(key);
      void run(key);
    }
    settleIdle();
  };

  const run = async (key: string) => {
    running.add(key);
    try {
      await handler(key);
    } catch (error) {
      options.onError(key, error);
    } finally {
      running.delete(key);
      if (again.delete(key) && !closed) enqueue(key);
      pump();
    }
  };

  const enqueue = (key: string) => {
    if (waitingSet.has(key)) return;
    waitingSet.add(key);
    waiting.push(key);
  };

  return {
    schedule(key) {
      if (closed) return;
      if (running.has(key)) again.add(key);
      else enqueue(key);
      pump();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    async close() {
      closed = true;
      waiting.length = 0;
      waitingSet.clear();
      again.clear();
      await this.idle();
    },
  };
}
