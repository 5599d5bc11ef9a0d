/**
 * The composition root: the one place where adapters are chosen and wired. Everything else
 * receives what it needs as arguments.
 *
 * Roles: `all` (the default: HTTP and the worker in one process), `serve` (HTTP only) and
 * `worker` (inbox, timers and sends, with only the operations routes). Separate roles need a
 * shared database and queue: PostgreSQL and Redis.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config/index.js';
import { resolveSecrets, type Secrets } from './config/secrets.js';
import { createDefinitionCache } from './conversation/definitions.js';
import { createHttpRunner } from './conversation/http-runner.js';
import { STATUS_QUEUE_KEY, conversationKey, outboxKey, parseWorkKey } from './conversation/keys.js';
import { createTimerPoller } from './conversation/timers.js';
import { createStatusApplier } from './conversation/status-applier.js';
import { createConversationWorker } from './conversation/worker.js';
import { openDatabase, type Database } from './db/client.js';
import { countEventsByState, pendingConversations } from './db/repositories/inbox.js';
import { countOutbox } from './db/repositories/outbox.js';
import { buildHttpApp } from './http/app.js';
import { createAuthenticator } from './http/auth.js';
import { createIngest } from './ingest/ingest.js';
import { createInboxWriter } from './ingest/inbox-writer.js';
import { scheduleRetention } from './maintenance/retention.js';
import { scheduleTableUpkeep } from './maintenance/table-upkeep.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createLocalRateLimiter, createRedisRateLimiter } from './outbox/rate-limit.js';
import { createOutboxSender, type OutboxSender } from './outbox/sender.js';
import { createBullQueue, redisConnection } from './queue/bullmq.js';
import { createInProcessQueue } from './queue/in-process.js';
import type { WorkQueue } from './queue/port.js';
import { createOperatorActions } from './operator/actions.js';
import { createRealtime } from './realtime/index.js';
import { createSafeHttp } from './safe-http/index.js';
import { createSecretBox } from './security/encryption.js';
import { ensureSameEncryptionKey } from './security/key-check.js';
import { createTenantDirectory } from './tenants/directory.js';
import { openSecrets } from './tenants/secrets.js';
import { createGraphClient } from './whatsapp/graph-client.js';

export type Role = 'all' | 'serve' | 'worker';

/** Old realtime events and settled inbox rows are pruned this often. */
const RETENTION_INTERVAL_MS = 60 * 60_000;
/** The embedded database (it has no autovacuum) vacuums or analyzes at most one table this often. */
const UPKEEP_INTERVAL_MS = 2_000;

export interface WaflowOptions {
  log?: Logger;
  role?: Role;
}

export interface Waflow {
  role: Role;
  http: FastifyInstance;
  database: Database;
  secrets: Secrets;
  log: Logger;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking work, finishes what is in flight, closes connections. */
  close(): Promise<void>;
}

export async function createWaflow(config: Config, options: WaflowOptions = {}): Promise<Waflow> {
  const role = options.role ?? 'all';
  if (role !== 'all' && (config.database.kind !== 'postgres' || config.redisUrl === null)) {
    throw new ConfigError(`the ${role} role runs beside other processes: it needs DATABASE_URL (PostgreSQL) and REDIS_URL`);
  }
  const log = options.log ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  const database = await openDatabase(config.database);
  const { db } = database;
  /** Several processes may share a PostgreSQL database; the embedded one runs transactions one at a time. */
  const sharedDatabase = database.kind === 'postgres';
  const redis: Redis | null = config.redisUrl ? redisConnection(config.redisUrl, 'commands', log) : null;
  const box = createSecretBox(secrets.encryptionKey);
  try {
    await ensureSameEncryptionKey(db, box);
  } catch (error) {
    await database.close();
    throw error;
  }
  // Webhooks look tenants up: on the handle that does not wait behind the worker.
  const tenants = createTenantDirectory(database.inboxDb, box);
  const now = () => Date.now();
  const metrics = createMetrics({
    pendingEvents: async () => (await countEventsByState(db)).pending ?? 0,
    queuedMessages: () => countOutbox(db),
  });

  /** Logs a failed notification or resume: the periodic sweep finds the work it was about. */
  const leftToSweep = (what: string) => (error: unknown) => log.warn({ err: error }, `${what} failed; the sweep will pick the work up`);
  const onQueueError = (key: string, error: unknown) => log.error({ err: error, conversation: key }, 'conversation run failed');
  const queue: WorkQueue = config.redisUrl
    ? createBullQueue({ redisUrl: config.redisUrl, prefix: config.redisPrefix, concurrency: config.concurrency, onError: onQueueError, log })
    : createInProcessQueue({ concurrency: config.concurrency, onError: onQueueError });
  const notify = (keys: Iterable<string>) => queue.notify(keys);
  // Realtime: socket.io on the HTTP port, fanned out through Redis when there is one.
  const auth = createAuthenticator(db, secrets.adminToken);
  const realtime = createRealtime({
    db,
    log,
    origins: config.frontendOrigins,
    redis: config.redisUrl === null ? null : { url: config.redisUrl, prefix: config.redisPrefix },
    encryptionKey: secrets.encryptionKey,
    userForKey: auth.userForKey,
    now,
    connections: metrics.socketConnections,
  });
  const publisher = realtime.server;

  const worker = role === 'serve' ? null : await startWorker();
  /** Messages queued outside a worker (an operator's reply) are sent here or by a worker process. */
  const sendSoon = (contactIds: Iterable<string>) => {
    if (worker) worker.sender.schedule(contactIds);
    else notify([...contactIds].map(outboxKey)).catch(leftToSweep('outbox notification'));
  };
  const http = buildHttpApp({
    log,
    metrics,
    trustProxy: config.trustProxy,
    ready: async () => {
      await database.ping();
      await redis?.ping();
    },
    service:
      role === 'worker'
        ? undefined
        : {
            webhook: {
              ingest: createIngest({
                appSecret: config.appSecret,
                tenants,
                writer: createInboxWriter(database.inboxDb),
                queue,
                onNotifyError: leftToSweep('queue notification'),
              }),
              verifyToken: secrets.verifyToken,
              bodyLimit: config.webhookBodyLimit,
              metrics,
            },
            api: {
              db,
              auth,
              box,
              onUserChanged: (userId, change) => {
                tenants.invalidate();
                if (change.tokenReplaced) worker?.sender.resume(userId).catch(leftToSweep('resuming sends after a token change'));
              },
            },
            console: {
              operator: createOperatorActions({
                db,
                now,
                publisher,
                schedule: sendSoon,
                wake: (keys) => notify(keys).catch(leftToSweep('conversation notification')),
              }),
              tokens: realtime.tokens,
              now,
            },
            guards: { origins: config.frontendOrigins, rateLimitPerMinute: config.apiRateLimitPerMinute, redis },
          },
  });
  if (role !== 'worker') realtime.server.attach(http.server);

  /** Everything that consumes work: conversations, sends, timers, flow HTTP requests. */
  async function startWorker(): Promise<{ sender: OutboxSender; close(): Promise<void> }> {
    const sender = createOutboxSender({
      db,
      tenants,
      graph: createGraphClient(config.graph),
      limiter: redis ? createRedisRateLimiter(redis, `${config.redisPrefix}:rate:`) : createLocalRateLimiter(),
      limits: config.sending,
      log,
      now,
      maxAttempts: config.sending.maxAttempts,
      retryBaseMs: config.sending.retryBaseMs,
      concurrency: config.sendConcurrency,
      leaseMs: config.graph.timeoutMs * 2 + 5_000,
      publisher,
      metrics,
      onTokenExpired: () => {},
      onEarlyStatuses: () => {
        notify([STATUS_QUEUE_KEY]).catch(leftToSweep('status notification'));
      },
    });
    const safeHttp = createSafeHttp({ ...config.flowHttp, userAgent: 'waflow' });
    const httpRunner = createHttpRunner({
      db,
      log,
      now,
      notify,
      perform: (request) => safeHttp.perform(request),
      secretsFor: (userId) => openSecrets(db, box, userId),
    });
    const conversations = createConversationWorker({
      db,
      tenants,
      log,
      now,
      metrics,
      definitions: createDefinitionCache(),
      maxNodesPerStep: config.engine.maxNodesPerStep,
      lockConversations: sharedDatabase,
      leaseHead: (at) => sender.lease(at),
      onCommitted: (committed, events) => {
        publisher.publish(events);
        if (committed.head) sender.handOver(committed.head);
        else if (committed.queued) sender.schedule([committed.contactId]);
        if (committed.http.length > 0) httpRunner.run(committed.ownConversation, committed.userId, committed.http);
      },
      retryLater: (key, delayMs) => queue.notifyLater(key, delayMs),
    });
    const statuses = createStatusApplier({
      db,
      now,
      batchSize: 500,
      gatherMs: 25,
      publish: (events) => publisher.publish(events),
      metrics,
    });
    const timers = createTimerPoller({ db, log, now, notify, intervalMs: config.engine.timerPollMs });
    /**
     * Finds work no notification announced: events whose job was lost (a crash, Redis down),
     * statuses whose message got its wamid after they were set aside, and outbound messages
     * queued by another process (an operator's reply taken by a serve process, sends resumed by
     * a token replaced there). The inbox and the outbox are the truth.
     */
    const sweep = async () => {
      await statuses.rematch();
      await notify([STATUS_QUEUE_KEY, ...(await pendingConversations(db)).map(conversationKey)]);
      await sender.resume();
    };

    queue.consume(async (key, signal) => {
      const work = parseWorkKey(key);
      if (work.kind === 'statuses') await statuses.drain(signal);
      else if (work.kind === 'outbox') sender.schedule([work.contactId]);
      else await conversations.drain(work.key, signal);
    });
    await sweep();
    timers.start();
    const sweepTimer = setInterval(() => {
      sweep().catch((error: unknown) => log.warn({ err: error }, 'sweep for pending work failed'));
    }, config.sweepIntervalMs);
    sweepTimer.unref();
    const stopRetention = scheduleRetention(db, config.retention, log, RETENTION_INTERVAL_MS);
    const stopUpkeep = sharedDatabase ? () => {} : scheduleTableUpkeep(db, log, UPKEEP_INTERVAL_MS);
    return {
      sender,
      async close() {
        timers.stop();
        stopRetention();
        stopUpkeep();
        clearInterval(sweepTimer);
        await queue.close();
        await httpRunner.idle();
        await sender.close();
      },
    };
  }

  return {
    role,
    http,
    database,
    secrets,
    log,
    listen: () => http.listen({ port: config.port, host: config.host }),
    async close() {
      await realtime.server.close(); // first: open sockets would hold the HTTP server open
      await http.close();
      if (worker) await worker.close();
      else await queue.close();
      redis?.disconnect();
      await database.close();
    },
  };
}
