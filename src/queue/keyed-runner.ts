/**
 * Runs an async handler per key, never twice at once for the same key, in the order keys were
 * scheduled, with a global concurrency cap. Scheduling a key that is already running queues
 * exactly one more run after it (the handler drains everything it finds, so one is enough).
 */
export interface KeyedRunner {
  /** Resolves when a run of `key` that started after this call has finished. */
  schedule(key: string): Promise<void>;
  /**
   * `schedule`, except that it resolves at once when a run of `key` that has not started yet is
   * already awaited by another caller: that run covers this call too. A burst of notifications for
   * a busy key then holds one waiting caller (a BullMQ job slot), not one per notification.
   */
  join(key: string): Promise<void>;
  /**
   * `schedule` for callers that do not wait: nothing is kept per call, so a backlog of
   * notifications costs memory per key, not per notification (90,000 of them over 10,000 keys
   * held 17 MB as promises).
   */
  nudge(key: string): void;
  /** Resolves once nothing is running or waiting. */
  idle(): Promise<void>;
  /** Stops taking new keys, tells running handlers to stop (their signal aborts), waits for them. */
  close(): Promise<void>;
}

export interface KeyedRunnerOptions {
  concurrency: number;
  onError(key: string, error: unknown): void;
}

/** A handler drains a key's work and checks `signal` between units, so a shutdown is prompt. */
export type KeyedHandler = (key: string, signal: AbortSignal) => Promise<void>;

export function createKeyedRunner(handler: KeyedHandler, options: KeyedRunnerOptions): KeyedRunner {
  const stopping = new AbortController();
  const running = new Set<string>();
  /** Callers waiting for the next run of a key (one that has not started yet). */
  const waiters = new Map<string, Array<() => void>>();
  const queue: string[] = [];
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  const settleIdle = () => {
    if (running.size > 0 || queue.length > 0) return;
    const resolved = idleWaiters;
    idleWaiters = [];
    for (const resolve of resolved) resolve();
  };

  const pump = () => {
    while (running.size < options.concurrency && queue.length > 0) void run(queue.shift()!);
    settleIdle();
  };

  /** The callers waiting for the next run of `key`, which is queued if it was not yet. */
  const due = (key: string): Array<() => void> => {
    let pending = waiters.get(key);
    if (!pending) {
      waiters.set(key, (pending = []));
      if (!running.has(key)) queue.push(key);
    }
    return pending;
  };

  const run = async (key: string) => {
    running.add(key);
    const finished = waiters.get(key) ?? [];
    waiters.delete(key);
    try {
      await handler(key, stopping.signal);
    } catch (error) {
      options.onError(key, error);
    } finally {
      running.delete(key);
      for (const resolve of finished) resolve();
      if (waiters.has(key)) queue.push(key);
      pump();
    }
  };

  return {
    schedule(key) {
      if (closed) return Promise.resolve();
      return new Promise((resolve) => {
        due(key).push(resolve);
        pump();
      });
    },
    join(key) {
      if (closed || (waiters.get(key)?.length ?? 0) > 0) return Promise.resolve();
      return this.schedule(key);
    },
    nudge(key) {
      if (closed) return;
      due(key);
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
      stopping.abort();
      queue.length = 0;
      for (const pending of waiters.values()) for (const resolve of pending) resolve();
      waiters.clear();
      await this.idle();
    },
  };
}
