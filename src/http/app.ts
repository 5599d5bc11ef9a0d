/**
 * The fastify application: webhook routes (raw bodies), the admin API under /api/v1 (JSON),
 * health and readiness. Adapters come in through the deps; this file only wires routes.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ApiDeps } from './api/deps.js';
import { conversationRoutes } from './api/conversations.js';
import { flowRoutes } from './api/flows.js';
import { userRoutes } from './api/users.js';
import { installErrorHandler } from './errors.js';
import { webhookRoutes, type WebhookRouteDeps } from './webhook-routes.js';

export interface HttpDeps {
  log: Logger;
  api: ApiDeps;
  webhook: WebhookRouteDeps;
  /** Throws when the service cannot do its job (database unreachable…). */
  ready(): Promise<void>;
}

export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    // Widened so the instance keeps fastify's default logger type across plugins.
    loggerInstance: deps.log as FastifyBaseLogger,
    // One log line per webhook would be needless I/O on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
  });
  installErrorHandler(app);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      await deps.ready();
      return { status: 'ready' };
    } catch (error) {
      return reply.status(503).send({ status: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    }
  });

  void app.register(async (scope) => webhookRoutes(scope, deps.webhook));
  void app.register(
    async (api) => {
      await userRoutes(api, deps.api);
      await flowRoutes(api, deps.api);
      await conversationRoutes(api, deps.api);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
