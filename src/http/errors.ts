/**
 * API errors: `{ error: { code, message, details? } }` with the right status. Anything
 * unexpected is a 500 with a generic message (details go to the log, never to the client).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

/** Validates with a zod schema; a failure is a 400 listing each problem with its path. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what = 'request body'): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new HttpError(
    400,
    'invalid_request',
    `invalid ${what}`,
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/**
 * Errors fastify raises before routing (a malformed URL, a parameter over the length limit), in
 * the API's error format too: they never reach the error handler.
 */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(error.statusCode ?? 400).send({ error: { code: 'bad_request', message: error.message } });
}

/** The rate limiter's refusal (its own error has no code); it has set Retry-After already. */
export function rateLimited(_request: FastifyRequest, context: { after: string }): HttpError {
  return new HttpError(429, 'rate_limited', `Rate limit exceeded, retry in ${context.after}`);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .status(error.status)
        .send({ error: { code: error.code, message: error.message, ...(error.details !== undefined && { details: error.details }) } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: 'internal', message: 'internal error', requestId: request.id } });
    }
    return reply.status(status).send({ error: { code: error.code ?? 'bad_request', message: error.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
