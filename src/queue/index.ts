/**
 * The job queue port: "conversation K has pending inbox events". The inbox itself is the durable
 * record; the queue only says where to look, so a lost notification costs latency, never data
 * (pending events are rescanned at start).
 */
import { createKeyedRunner, type KeyedRunner } from './keyed-runner.js';

export interface WorkQueue {
  notify(keys: Iterable<string>): Promise<void>;
  /** Starts consuming in this process; the handler drains one conversation. */
  consume(handler: (key: string) => Promise<void>): void;
  /** Resolves once this process has nothing running or waiting. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface InProcessQueueOptions {
  concurrency: number;
  onError(key: string, error: unknown): void;
}

export function createInProcessQueue(options: InProcessQueueOptions): WorkQueue {
  let runner: KeyedRunner | null = null;
  const early: string[] = [];
  return {
    async notify(keys) {
      for (const key of keys) {
        if (runner) runner.schedule(key);
        else early.push(key);
      }
    },
    consume(handler) {
      runner = createKeyedRunner(handler, options);
      for (const key of early.splice(0)) runner.schedule(key);
    },
    idle: () => runner?.idle() ?? Promise.resolve(),
    close: () => runner?.close() ?? Promise.resolve(),
  };
}
