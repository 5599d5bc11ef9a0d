/**
 * The calling user's secrets, used by flows as `{{secrets.NAME}}` in HTTP requests. Values can be
 * written and deleted, never read back: only names and update times are listed.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SECRET_NAME, deleteSecret, listSecretNames, saveSecret } from '../../tenants/secrets.js';
import { notFound, parseWith } from '../errors.js';
import type { ApiDeps } from './deps.js';

const nameParams = z.object({ name: z.string().regex(SECRET_NAME, 'letters, digits and _, starting with a letter or _ (at most 64)') });
export const secretBody = z.strictObject({ value: z.string().min(1).max(4096) });

export async function secretRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/secrets', async (request) => {
    const userId = await deps.auth.user(request);
    return { secrets: await listSecretNames(deps.db, userId) };
  });

  app.put('/secrets/:name', async (request, reply) => {
    const userId = await deps.auth.user(request);
    const { name } = parseWith(nameParams, request.params, 'secret name');
    const { value } = parseWith(secretBody, request.body);
    await saveSecret(deps.db, deps.box, userId, name, value);
    return reply.status(204).send();
  });

  app.delete('/secrets/:name', async (request, reply) => {
    const userId = await deps.auth.user(request);
    const { name } = parseWith(nameParams, request.params, 'secret name');
    if (!(await deleteSecret(deps.db, userId, name))) throw notFound('secret');
    return reply.status(204).send();
  });
}
