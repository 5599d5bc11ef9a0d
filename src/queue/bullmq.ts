/**
 * The scaled adapter: notifications are BullMQ jobs on Redis, consumed by worker processes.
 * Every notification is its own job (no job-id dedupe: a dedupe window could swallow the
 * notification of an event committed just as a drain finished). Jobs for one conversation are
 * coalesced inside a process by a keyed runner, and serialised across processes by the
 * conversation's database lock; a job for a conversation already drained simply finds nothing.
 * A worker that dies leaves its jobs stalled; BullMQ hands them to another worker.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createKeyedRunner, type KeyedRunner } from './keyed-runner.js';
import { groupCommit } from './group-commit.js';
import type { WorkQueue } from './port.js';

export interface BullQueueOptions {
  redisUrl: string;
  concurrency: number;
  onError(key: string, error: unknown): void;
  log: Logger;
  /** Redis key prefix (REDIS_PREFIX). */
  prefix: string;
}

interface DrainJob {
  key: string;
}

const JOB_NAME = 'drain';

/**
 * A worker's connection blocks on Redis and must retry forever; any other connection gives up on
 * a command after one reconnection attempt while Redis is down (a webhook must not wait on it,
 * and readiness must answer).
 */
export function redisConnection(url: string, use: 'blocking' | 'commands', log?: Logger): Redis {
  const redis =
    use === 'blocking'
      ? new Redis(url, { maxRetriesPerRequest: null })
      : new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  // Reconnection is automatic; say once that Redis went away and once that it is back.
  let down = false;
  redis.on('error', (error) => {
    if (down) return;
    down = true;
    log?.warn({ err: error }, 'Redis unreachable: retrying');
  });
  redis.on('ready', () => {
    if (down) log?.info('Redis reachable again');
    down = false;
  });
  return redis;
}

export function createBullQueue(options: BullQueueOptions): WorkQueue {
  const name = 'conversations';
  const connection = redisConnection(options.redisUrl, 'commands', options.log);
  const queue = new Queue<DrainJob>(name, {
    connection,
    prefix: options.prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1_000, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } },
  });
  let worker: { instance: Worker<DrainJob>; connection: Redis; runner: KeyedRunner } | null = null;

  // One addBulk at a time for all concurrent webhooks: each call builds an ioredis pipeline, which
  // copies every BullMQ script onto itself (the top entry of an ingest profile, one per webhook).
  // Every notification is sent after its events were committed, so one job per key still finds
  // all of them.
  const addTogether = groupCommit(async (keyLists: string[][]) => {
    const jobs = [...new Set(keyLists.flat())].map((key) => ({ name: JOB_NAME, data: { key } }));
    await queue.addBulk(jobs);
  });

  return {
    async notify(keys) {
      const list = [...keys];
      if (list.length > 0) await addTogether(list);
    },
    notifyLater(key, delayMs) {
      queue.add(JOB_NAME, { key }, { delay: delayMs }).catch((error: unknown) => options.onError(key, error));
    },
    consume(handler) {
      const runner = createKeyedRunner(handler, options);
      const workerConnection = redisConnection(options.redisUrl, 'blocking', options.log);
      // A job ends when a run that covers it ends: a crash before then leaves it to another worker.
      const instance = new Worker<DrainJob>(name, (job) => runner.join(job.data.key), {
        connection: workerConnection,
        prefix: options.prefix,
        concurrency: options.concurrency,
      });
      instance.on('error', (error) => options.onError('(worker)', error));
      worker = { instance, connection: workerConnection, runner };
    },
    async close() {
      if (worker) {
        // BullMQ stops taking jobs at once but waits for the active ones: the handlers are told to
        // stop meanwhile, or a shutdown would wait for whole drains (and end in a SIGKILL).
        const closing = worker.instance.close();
        await worker.runner.close();
        await closing;
        worker.connection.disconnect();
      }
      await queue.close();
      connection.disconnect();
    },
  };
}
