/**
 * The composition root: the one place where adapters are chosen and wired. Everything else
 * receives what it needs as arguments.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { resolveSecrets, type Secrets } from './config/secrets.js';
import { createDefinitionCache } from './conversation/definitions.js';
import { createHttpRunner } from './conversation/http-runner.js';
import { conversationKey } from './conversation/keys.js';
import { createTimerPoller } from './conversation/timers.js';
import { createConversationWorker } from './conversation/worker.js';
import { openDatabase, type Database } from './db/client.js';
import { pendingConversations } from './db/repositories/inbox.js';
import { buildHttpApp } from './http/app.js';
import { createAuthenticator } from './http/auth.js';
import { createIngest } from './ingest/ingest.js';
import { createInboxWriter } from './ingest/inbox-writer.js';
import { createLogger } from './observability/logger.js';
import { createOutboxSender } from './outbox/sender.js';
import { createInProcessQueue } from './queue/index.js';
import type { RealtimePublisher } from './realtime/events.js';
import { createSafeHttp } from './safe-http/index.js';
import { createSecretBox } from './security/encryption.js';
import { createTenantDirectory } from './tenants/directory.js';
import { createGraphClient } from './whatsapp/graph-client.js';

export interface WaflowOptions {
  log?: Logger;
  /** Run the conversation worker, the outbox sender and the timers in this process (default true). */
  worker?: boolean;
  /** Milliseconds between scans for work whose notification was lost (default 30 s). */
  sweepIntervalMs?: number;
}

export interface Waflow {
  http: FastifyInstance;
  database: Database;
  secrets: Secrets;
  log: Logger;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Concurrent conversations and contacts being sent to, per process. */
const CONCURRENCY = 64;

export async function createWaflow(config: Config, options: WaflowOptions = {}): Promise<Waflow> {
  const log = options.log ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  const database = await openDatabase(config.database);
  const { db } = database;
  const box = createSecretBox(secrets.encryptionKey);
  const tenants = createTenantDirectory(db, box);
  const now = () => Date.now();

  const queue = createInProcessQueue({
    concurrency: CONCURRENCY,
    onError: (key, error) => log.error({ err: error, conversation: key }, 'conversation run failed'),
  });
  const notify = (keys: Iterable<string>) => queue.notify(keys);
  const publisher: RealtimePublisher = { publish: () => {}, typing: () => {} };
  const sender = createOutboxSender({
    db,
    tenants,
    graph: createGraphClient(config.graph),
    log,
    now,
    maxAttempts: config.sending.maxAttempts,
    retryBaseMs: config.sending.retryBaseMs,
    concurrency: CONCURRENCY,
    publisher,
    onTokenExpired: () => {},
  });
  const safeHttp = createSafeHttp({ ...config.flowHttp, userAgent: 'waflow' });
  const httpRunner = createHttpRunner({ db, log, now, notify, perform: (request) => safeHttp.perform(request) });
  const retryTimers = new Set<NodeJS.Timeout>();
  const worker = createConversationWorker({
    db,
    tenants,
    log,
    now,
    definitions: createDefinitionCache(),
    maxNodesPerStep: config.engine.maxNodesPerStep,
    onCommitted: (committed, events) => {
      publisher.publish(events);
      if (committed.queued) sender.schedule([committed.contactId]);
      if (committed.http.length > 0) httpRunner.run(committed.conversation, committed.http);
    },
    retryLater: (key, delayMs) => {
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        void notify([key]);
      }, delayMs);
      retryTimers.add(timer);
    },
  });
  const timers = createTimerPoller({ db, log, now, notify, intervalMs: config.engine.timerPollMs });

  /** Finds work whose notification was lost (a crash, a full queue): the inbox is the truth. */
  const sweep = async () => notify((await pendingConversations(db)).map(conversationKey));
  let sweepTimer: NodeJS.Timeout | null = null;
  if (options.worker !== false) {
    queue.consume((key) => worker.drain(key));
    await sweep();
    await sender.resume();
    timers.start();
    sweepTimer = setInterval(() => {
      sweep().catch((error: unknown) => log.warn({ err: error }, 'sweep for pending work failed'));
    }, options.sweepIntervalMs ?? 30_000);
    sweepTimer.unref();
  }

  const http = buildHttpApp({
    log,
    ready: () => database.ping(),
    webhook: {
      ingest: createIngest({ appSecret: config.appSecret, tenants, writer: createInboxWriter(db), queue }),
      verifyToken: secrets.verifyToken,
      bodyLimit: config.webhookBodyLimit,
    },
    api: {
      db,
      auth: createAuthenticator(db, secrets.adminToken),
      box,
      onUserChanged: (userId, change) => {
        tenants.invalidate();
        if (change.tokenReplaced) void sender.resume(userId);
      },
    },
  });

  return {
    http,
    database,
    secrets,
    log,
    listen: () => http.listen({ port: config.port, host: config.host }),
    async close() {
      await http.close();
      timers.stop();
      if (sweepTimer) clearInterval(sweepTimer);
      for (const timer of retryTimers) clearTimeout(timer);
      await queue.close();
      await httpRunner.idle();
      await sender.close();
      await database.close();
    },
  };
}
