/**
 * Meta's webhook: GET answers the verification challenge, POST hands the raw body to ingest.
 * The POST route keeps the body as bytes (the signature is over the exact bytes) and accepts any
 * content type, so an odd header never turns into a 415 that Meta would retry for days.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ingest } from '../ingest/ingest.js';
import type { Metrics } from '../observability/metrics.js';
import { safeEqual } from '../security/api-keys.js';

export interface WebhookRouteDeps {
  ingest: Ingest;
  verifyToken: string;
  bodyLimit: number;
  metrics: Pick<Metrics, 'webhooks' | 'webhookSeconds'>;
}

export async function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_request, body, done) => done(null, body));

  app.get('/webhooks/whatsapp', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const challenge = query['hub.challenge'];
    const token = query['hub.verify_token'];
    if (query['hub.mode'] === 'subscribe' && typeof challenge === 'string' && typeof token === 'string' && safeEqual(token, deps.verifyToken)) {
      return reply.type('text/plain').send(challenge);
    }
    return reply.status(403).type('text/plain').send('verification failed');
  });

  app.post('/webhooks/whatsapp', { bodyLimit: deps.bodyLimit, onRequest: anyContentType }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers['x-hub-signature-256'];
    const stopTimer = deps.metrics.webhookSeconds.startTimer();
    let result;
    try {
      result = await deps.ingest.receive(raw, typeof signature === 'string' ? signature : undefined);
    } catch (error) {
      deps.metrics.webhooks.inc({ result: 'unavailable' });
      request.log.error({ err: error }, 'webhook not stored: answering 503 so Meta retries');
      return reply.status(503).send({ error: { code: 'unavailable', message: 'storage unavailable, retry later' } });
    } finally {
      stopTimer();
    }
    deps.metrics.webhooks.inc({ result: result.kind });
    switch (result.kind) {
      case 'unsigned':
        return reply.status(401).send({ error: { code: 'invalid_signature', message: result.reason } });
      case 'malformed':
        return reply.status(400).send({ error: { code: 'malformed_body', message: result.reason } });
      case 'stored':
        return reply.status(200).send({ received: result.records });
    }
  });
}

/** The catch-all parser takes any valid media type; an empty or malformed header is refused before it, so it is replaced. */
const anyContentType = async (request: FastifyRequest) => {
  request.headers['content-type'] = 'application/octet-stream';
};
