/**
 * The fastify application: webhook routes (raw bodies), the admin API under /api/v1 (JSON),
 * and the operations routes (health, readiness, Prometheus metrics) every process serves.
 * Adapters come in through the deps; this file only wires routes.
 */
import type { TrustProxy } from '../config/index.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import type { ApiDeps } from './api/deps.js';
import { bearerToken, type Authenticator } from './auth.js';
import { consoleRoutes, type ConsoleDeps } from './api/console.js';
import { conversationRoutes } from './api/conversations.js';
import { flowRoutes } from './api/flows.js';
import { openApiRoutes } from './api/openapi.js';
import { secretRoutes } from './api/secrets.js';
import { socketTokenRoutes } from './api/socket-tokens.js';
import { userRoutes } from './api/users.js';
import { consoleAppRoutes } from './console-routes.js';
import { frameworkError, installErrorHandler, rateLimited } from './errors.js';
import { refuseUnstorableInput } from './storable-input.js';
import { webhookRoutes, type WebhookRouteDeps } from './webhook-routes.js';

export interface HttpDeps {
  log: Logger;
  metrics: Metrics;
  /** Throws when the process cannot do its job (database or Redis unreachable…). */
  ready(): Promise<void>;
  /** Proxies whose X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** The public service; absent in a worker process, which serves only the operations routes. */
  service?: { api: ApiDeps; webhook: WebhookRouteDeps; console: ConsoleDeps; guards: ApiGuards };
}

export interface ApiGuards {
  /** Browser origins allowed to call the API (FRONTEND_URL). */
  origins: string[];
  /** Requests per minute per API key (or per address without one). */
  rateLimitPerMinute: number;
  /** Shares the rate-limit counters across processes; null keeps them in memory. */
  redis: Redis | null;
}

const REQUEST_ID_HEADER = 'x-request-id';
const PLAIN_REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && PLAIN_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Rate limits count per API key (hashed: the key itself never becomes a Redis key), else per
 * address: a bearer token that is not a valid key (a random one per request, or a valid one
 * padded with spaces) must not get a bucket of its own. Only keys already known valid get one,
 * so choosing the bucket costs no query: a flood of random tokens is refused without reaching
 * the database. A key's first request, before it is known, counts against its address.
 */
function rateLimitKey(auth: Authenticator): (request: FastifyRequest) => string {
  return (request) => {
    const token = bearerToken(request);
    if (token === null) return `ip:${request.ip}`;
    // The admin token's own bucket: callers without a valid key must not be able to use it up.
    if (auth.isAdminToken(token)) return 'admin';
    const keyHash = auth.knownKeyHash(token);
    return keyHash === null ? `ip:${request.ip}` : `key:${keyHash}`;
  };
}

/** Trusts the nearest `hops` proxies, as proxy-addr counts them (0 is the socket's peer). */
function withinHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    // Widened so the instance keeps fastify's default logger type across plugins.
    loggerInstance: deps.log as FastifyBaseLogger,
    // One log line per webhook would be needless I/O on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // A caller's X-Request-Id is kept when it is a plain token; anything else gets a fresh id,
    // so a hostile header never reaches the logs.
    requestIdHeader: false,
    genReqId: requestId,
    frameworkErrors: frameworkError,
    trustProxy: typeof deps.trustProxy === 'number' ? withinHops(deps.trustProxy) : deps.trustProxy,
  });
  installErrorHandler(app);
  // Every answer names its request, so a caller can quote it and an operator find the log line.
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      await deps.ready();
      return { status: 'ready' };
    } catch (error) {
      return reply.status(503).send({ status: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  const service = deps.service;
  if (service) {
    void app.register(async (scope) => webhookRoutes(scope, service.webhook));
    void app.register(
      async (api) => {
        await api.register(cors, { origin: service.guards.origins, credentials: true });
        await api.register(rateLimit, {
          max: service.guards.rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: rateLimitKey(service.api.auth),
          errorResponseBuilder: rateLimited,
          // Redis down must not take the API down with it: the limit is skipped until it returns.
          skipOnError: true,
          ...(service.guards.redis && { redis: service.guards.redis, nameSpace: 'waflow-api-rate:' }),
        });
        api.addHook('preHandler', async (request) => refuseUnstorableInput(request));
        await openApiRoutes(api);
        await userRoutes(api, service.api);
        await flowRoutes(api, service.api);
        await secretRoutes(api, service.api);
        await conversationRoutes(api, service.api);
        await consoleRoutes(api, service.api, service.console);
        await socketTokenRoutes(api, service.api, service.console);
      },
      { prefix: '/api/v1' },
    );
    void app.register(async (scope) => consoleAppRoutes(scope));
  }
  return app;
}
