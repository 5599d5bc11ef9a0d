/** Contacts, their messages and their sessions, for the calling user only (others' ids are 404). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findContact, listContacts } from '../../db/repositories/contacts.js';
import { listContactMessages } from '../../db/repositories/messages.js';
import { listSessions } from '../../db/repositories/sessions.js';
import { notFound, parseWith } from '../errors.js';
import type { ApiDeps } from './deps.js';

export const contactsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const sessionsQuery = z.object({ contactId: z.string().min(1).optional() });
export const messagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  // Dates PostgreSQL's timestamps hold (a year 0 or 10000 Date is valid in JavaScript, not there).
  before: z.coerce.date().min(new Date('1970-01-01T00:00:00Z')).max(new Date('9999-12-31T23:59:59Z')).optional(),
  beforeId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'With `before`: the id of the last message of the previous page, so messages sharing its time are not skipped.' }),
}).refine((query) => query.beforeId === undefined || query.before !== undefined, { message: 'beforeId needs before', path: ['beforeId'] });

export async function conversationRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const ownContact = async (userId: string, id: string) => {
    const contact = await findContact(deps.db, userId, id);
    if (!contact) throw notFound('contact');
    return contact;
  };

  app.get('/contacts', async (request) => {
    const userId = await deps.auth.user(request);
    const page = parseWith(contactsQuery, request.query, 'query');
    return { contacts: await listContacts(deps.db, userId, page.limit, page.offset) };
  });

  app.get('/contacts/:id', async (request) => {
    const userId = await deps.auth.user(request);
    return ownContact(userId, (request.params as { id: string }).id);
  });

  app.get('/contacts/:id/messages', async (request) => {
    const userId = await deps.auth.user(request);
    const contact = await ownContact(userId, (request.params as { id: string }).id);
    const page = parseWith(messagesQuery, request.query, 'query');
    const messages = await listContactMessages(deps.db, userId, contact.id, {
      before: page.before ?? null,
      beforeId: page.beforeId ?? null,
      limit: page.limit,
    });
    return { messages };
  });

  app.get('/sessions', async (request) => {
    const userId = await deps.auth.user(request);
    const query = parseWith(sessionsQuery, request.query, 'query');
    if (query.contactId) await ownContact(userId, query.contactId);
    return { sessions: await listSessions(deps.db, userId, query.contactId ?? null) };
  });
}
