/**
 * The operator console's API: the conversations list (last message, unread count, session and
 * flow, 24-hour window), marking a conversation read, taking it over from the bot, replying and
 * handing it back. Every route is scoped to the caller's user; others' contacts are 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listConversations, type ConversationRow } from '../../db/repositories/conversations.js';
import { LIVE_SESSION_STATUSES } from '../../engine/types.js';
import { OperatorError, RELEASE_MODES, type OperatorActions } from '../../operator/actions.js';
import { serviceWindow } from '../../operator/window.js';
import type { SocketTokens } from '../../realtime/socket-tokens.js';
import { LIMITS } from '../../whatsapp/limits.js';
import { HttpError, notFound, parseWith } from '../errors.js';
import type { ApiDeps } from './deps.js';

export interface ConsoleDeps {
  operator: OperatorActions;
  /** Mints socket.io handshake tokens (`POST /socket-tokens`). */
  tokens: SocketTokens;
  now(): number;
}

export const conversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const replyBody = z.strictObject({ text: z.string().trim().min(1).max(LIMITS.textBody) });
export const releaseBody = z.strictObject({ mode: z.enum(RELEASE_MODES).default('resume') }).default({ mode: 'resume' });

const contactIdOf = (request: FastifyRequest) => (request.params as { id: string }).id;

/** Operator errors as API errors: 404 for someone else's contact, 409 for a refused action. */
async function operatorCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OperatorError) throw new HttpError(error.kind === 'not_found' ? 404 : 409, error.code, error.message);
    throw error;
  }
}

export async function consoleRoutes(app: FastifyInstance, api: ApiDeps, deps: ConsoleDeps): Promise<void> {
  const view = (row: ConversationRow) => ({
    contact: {
      id: row.contact.id,
      phone: row.contact.phone,
      name: row.contact.name,
      lastInboundAt: row.contact.lastInboundAt,
      updatedAt: row.contact.updatedAt,
    },
    lastMessage: row.lastMessage,
    unread: row.unread,
    session: row.session,
    window: serviceWindow(row.contact.lastInboundAt, deps.now()),
  });

  app.get('/conversations', async (request) => {
    const userId = await api.auth.user(request);
    const page = parseWith(conversationsQuery, request.query, 'query');
    return { conversations: (await listConversations(api.db, userId, page, LIVE_SESSION_STATUSES)).map(view) };
  });

  app.get('/conversations/:id', async (request) => {
    const userId = await api.auth.user(request);
    const [row] = await listConversations(api.db, userId, { limit: 1, offset: 0, contactId: contactIdOf(request) }, LIVE_SESSION_STATUSES);
    if (!row) throw notFound('contact');
    return view(row);
  });

  app.post('/contacts/:id/read', async (request) => {
    const userId = await api.auth.user(request);
    const readUpTo = await operatorCall(() => deps.operator.markRead(userId, contactIdOf(request)));
    return { readUpTo };
  });

  app.post('/contacts/:id/takeover', async (request) => {
    const userId = await api.auth.user(request);
    return { session: await operatorCall(() => deps.operator.takeOver(userId, contactIdOf(request))) };
  });

  app.post('/contacts/:id/release', async (request) => {
    const userId = await api.auth.user(request);
    const { mode } = parseWith(releaseBody, request.body ?? undefined);
    return { session: await operatorCall(() => deps.operator.release(userId, contactIdOf(request), mode)) };
  });

  app.post('/contacts/:id/messages', async (request, reply) => {
    const userId = await api.auth.user(request);
    const { text } = parseWith(replyBody, request.body);
    const message = await operatorCall(() => deps.operator.reply(userId, contactIdOf(request), text));
    return reply.status(201).send({ message });
  });
}
