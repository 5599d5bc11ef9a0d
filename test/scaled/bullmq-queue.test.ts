/**
 * The BullMQ work queue on the real Redis: a key that keeps being notified while it runs (the
 * status applier during a backlog) holds at most two job slots — the run in progress and one run
 * after it — so other conversations still get slots; and closing stops the running handlers
 * instead of waiting for them to drain.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBullQueue } from '../../src/queue/bullmq.js';
import type { WorkQueue } from '../../src/queue/port.js';
import { eventually } from '../support/harness.js';
import { REDIS_URL, redisAvailable, testRedisPrefix } from '../support/services.js';

const log = pino({ level: 'silent' });
let queue: WorkQueue | null = null;
afterEach(async () => {
  await queue?.close();
  queue = null;
});

describe.skipIf(!redisAvailable)('BullMQ work queue', () => {
  it('lets other keys run while one busy key is notified again and again', async () => {
    queue = createBullQueue({ redisUrl: REDIS_URL, prefix: testRedisPrefix(), concurrency: 3, onError: () => {}, log });
    const ran: string[] = [];
    let releaseBusy!: () => void;
    const busyReleased = new Promise<void>((resolve) => (releaseBusy = resolve));
    queue.consume(async (key) => {
      ran.push(key);
      if (key === 'busy') await busyReleased;
    });
    await queue.notify(['busy']);
    await eventually(() => ran.includes('busy'));
    for (let i = 0; i < 20; i++) await queue.notify(['busy']);
    await queue.notify(['other']);
    // Before, each of the 20 notifications held a slot until the run after the busy one ended.
    await eventually(() => ran.includes('other'), 5_000);
    releaseBusy();
    await eventually(() => ran.filter((key) => key === 'busy').length === 2);
  });

  it('closes without waiting for a running handler to finish its drain', async () => {
    queue = createBullQueue({ redisUrl: REDIS_URL, prefix: testRedisPrefix(), concurrency: 2, onError: () => {}, log });
    let started = false;
    queue.consume(async (_key, signal) => {
      started = true;
      // A drain that goes on until it is told to stop.
      while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await queue.notify(['long']);
    await eventually(() => started);
    const closing = queue.close();
    queue = null;
    const outcome = await Promise.race([closing.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000))]);
    expect(outcome).toBe('closed');
  });
});
