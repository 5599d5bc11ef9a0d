/**
 * The job queue port: "conversation K has pending inbox events". The inbox itself is the durable
 * record; the queue only says where to look, so a lost notification costs latency, never data
 * (workers rescan the inbox for pending events at start and periodically).
 */
import type { KeyedHandler } from './keyed-runner.js';

export interface WorkQueue {
  notify(keys: Iterable<string>): Promise<void>;
  /** Look at this conversation again after a delay (a transient failure). */
  notifyLater(key: string, delayMs: number): void;
  /** Starts consuming in this process; the handler drains one conversation. */
  consume(handler: KeyedHandler): void;
  /** Stops consuming and waits for the runs in progress. */
  close(): Promise<void>;
}
