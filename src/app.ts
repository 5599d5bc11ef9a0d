/**
 * The composition root: the one place where adapters are chosen and wired. Everything else
 * receives what it needs as arguments.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { resolveSecrets, type Secrets } from './config/secrets.js';
import { openDatabase, type Database } from './db/client.js';
import { pendingConversations } from './db/repositories/inbox.js';
import { createDefinitionCache } from './conversation/definitions.js';
import { conversationKey } from './conversation/keys.js';
import { createConversationWorker } from './conversation/worker.js';
import { buildHttpApp } from './http/app.js';
import { createAuthenticator } from './http/auth.js';
import { createIngest } from './ingest/ingest.js';
import { createInboxWriter } from './ingest/inbox-writer.js';
import { createLogger } from './observability/logger.js';
import { createOutboxSender } from './outbox/sender.js';
import { createInProcessQueue } from './queue/index.js';
import { createSecretBox } from './security/encryption.js';
import { createTenantDirectory } from './tenants/directory.js';
import { createGraphClient } from './whatsapp/graph-client.js';

export interface WaflowOptions {
  log?: Logger;
  /** Run the conversation worker and the outbox sender in this process (default true). */
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
  /** Resolves once every queued conversation and outbound message has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function createWaflow(config: Config, options: WaflowOptions = {}): Promise<Waflow> {
  const log = options.log ?? createLogger(config.logLevel);
  const secrets = resolveSecrets(config);
  const database = await openDatabase(config.database);
  const { db } = database;
  const box = createSecretBox(secrets.encryptionKey);
  const tenants = createTenantDirectory(db, box);
  const graph = createGraphClient(config.graph);
  const now = () => Date.now();

  const queue = createInProcessQueue({
    concurrency: 64,
    onError: (key, error) => log.error({ err: error, conversation: key }, 'conversation run failed'),
  });
  const sender = createOutboxSender({
    db,
    tenants,
    graph,
    log,
    now,
    maxAttempts: config.sending.maxAttempts,
    retryBaseMs: config.sending.retryBaseMs,
    concurrency: 64,
    onChanged: () => {},
    onTokenExpired: () => {},
  });
  const retryTimers = new Set<NodeJS.Timeout>();
  const worker = createConversationWorker({
    db,
    tenants,
    log,
    now,
    definitions: createDefinitionCache(),
    maxNodesPerStep: config.engine.maxNodesPerStep,
    onCommitted: (committed) => {
      if (committed.queued && committed.contactId) sender.schedule([committed.contactId]);
    },
    retryLater: (key, delayMs) => {
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        void queue.notify([key]);
      }, delayMs);
      retryTimers.add(timer);
    },
  });

  const sweep = async () => {
    const keys = (await pendingConversations(db)).map(conversationKey);
    await queue.notify(keys);
  };
  let sweepTimer: NodeJS.Timeout | null = null;
  if (options.worker !== false) {
    queue.consume((key) => worker.drain(key));
    await sweep();
    await sender.resume();
    sweepTimer = setInterval(() => {
      sweep().catch((error: unknown) => log.warn({ err: error }, 'sweep for pending work failed'));
    }, options.sweepIntervalMs ?? 30_000);
    sweepTimer.unref();
  }

  const auth = createAuthenticator(db, secrets.adminToken);
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
      auth,
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
    async listen() {
      return http.listen({ port: config.port, host: config.host });
    },
    async idle() {
      // Conversations queue sends and sends settle statuses: wait until both are quiet together.
      for (let round = 0; round < 100; round++) {
        await queue.idle();
        await sender.idle();
        await new Promise((resolve) => setImmediate(resolve));
        const [queueQuiet, senderQuiet] = await Promise.all([isQuiet(queue.idle()), isQuiet(sender.idle())]);
        if (queueQuiet && senderQuiet) return;
      }
    },
    async close() {
      await http.close();
      if (sweepTimer) clearInterval(sweepTimer);
      for (const timer of retryTimers) clearTimeout(timer);
      await queue.close();
      await sender.close();
      await database.close();
    },
  };
}

/** True when the promise is already settled (nothing was running). */
async function isQuiet(promise: Promise<void>): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([promise.then(() => true), new Promise<symbol>((resolve) => setImmediate(() => resolve(marker)))]);
  return winner === true;
}
