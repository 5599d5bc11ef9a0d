/** Users (tenants): created and managed with the admin token; each user can read and update itself. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { insertApiKey } from '../../db/repositories/api-keys.js';
import { findUserById, listUsers, takenUserField, type UniqueUserField } from '../../db/repositories/users.js';
import { generateApiKey, hashApiKey } from '../../security/api-keys.js';
import { accountView, createAccount, updateAccount, type AccountChanges } from '../../tenants/accounts.js';
import { PHONE_NUMBER_ID_PATTERN } from '../../whatsapp/webhook-schema.js';
import { accessTokenSchema } from '../../whatsapp/access-token.js';
import { HttpError, notFound, parseWith } from '../errors.js';
import type { ApiDeps } from './deps.js';

export const createUserBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  // An address is at most 254 characters; a longer one would not fit User_email_key's index.
  email: z.email().max(254).optional(),
  metaPhoneNumberId: z.string().regex(PHONE_NUMBER_ID_PATTERN, 'must be the numeric phone_number_id from Meta'),
  metaAccessToken: accessTokenSchema,
  appSecret: z.string().min(1).max(512).optional(),
  /** The number's throughput tier (Meta: 80 by default, up to 1,000); unset: SEND_RATE_PER_NUMBER. */
  messagesPerSecond: z.number().int().min(1).max(1000).optional(),
});
export const updateUserBody = createUserBody.partial().extend({
  appSecret: z.string().min(1).max(512).nullable().optional(),
  /** null goes back to SEND_RATE_PER_NUMBER. */
  messagesPerSecond: z.number().int().min(1).max(1000).nullable().optional(),
});
export const apiKeyBody = z.strictObject({ name: z.string().trim().min(1).max(100).default('default') });
/** A user may not move its own number or raise its own send rate: those are the operator's. */
export const selfUpdateBody = updateUserBody.omit({ metaPhoneNumberId: true, messagesPerSecond: true });

const TAKEN_MESSAGES: Record<UniqueUserField, string> = {
  email: 'another user already has this email',
  metaPhoneNumberId: 'another user already owns this metaPhoneNumberId',
};

/** Runs a write that may collide with another user's email or phone number, turning that into a 409. */
async function refuseTakenFields<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const field = takenUserField(error);
    throw field ? new HttpError(409, 'conflict', TAKEN_MESSAGES[field]) : error;
  }
}

export async function userRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const applyUpdate = async (id: string, changes: AccountChanges) => {
    const updated = await refuseTakenFields(() => updateAccount(deps.db, deps.box, id, changes));
    if (!updated) throw notFound('user');
    deps.onUserChanged(id, { tokenReplaced: changes.metaAccessToken !== undefined });
    return accountView(updated);
  };

  app.post('/users', async (request, reply) => {
    deps.auth.admin(request);
    const body = parseWith(createUserBody, request.body);
    const { user, apiKey } = await refuseTakenFields(() => createAccount(deps.db, deps.box, body));
    deps.onUserChanged(user.id, { tokenReplaced: false });
    return reply.status(201).send({ ...accountView(user), apiKey });
  });

  app.get('/users', async (request) => {
    deps.auth.admin(request);
    return { users: (await listUsers(deps.db)).map(accountView) };
  });

  app.patch('/users/:id', async (request) => {
    deps.auth.admin(request);
    return applyUpdate((request.params as { id: string }).id, parseWith(updateUserBody, request.body));
  });

  app.post('/users/:id/api-keys', async (request, reply) => {
    deps.auth.admin(request);
    const { id } = request.params as { id: string };
    const body = parseWith(apiKeyBody, request.body ?? {});
    if (!(await findUserById(deps.db, id))) throw notFound('user');
    const apiKey = generateApiKey();
    await insertApiKey(deps.db, id, hashApiKey(apiKey), body.name);
    return reply.status(201).send({ userId: id, name: body.name, apiKey });
  });

  app.get('/me', async (request) => {
    const user = await findUserById(deps.db, await deps.auth.user(request));
    if (!user) throw notFound('user');
    return accountView(user);
  });

  app.patch('/me', async (request) => {
    const userId = await deps.auth.user(request);
    return applyUpdate(userId, parseWith(selfUpdateBody, request.body));
  });
}
