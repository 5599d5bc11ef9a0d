/**
 * The admin API as an OpenAPI 3.1 document, served at /api/v1/openapi.json. Request bodies and
 * query strings are the same zod schemas the routes validate with, so the document cannot say
 * something the API does not do; a test checks that every route is listed here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { flowJsonSchema } from '../../flows/json-schema.js';
import { conversationsQuery, releaseBody, replyBody } from './console.js';
import { contactsQuery, messagesQuery, sessionsQuery } from './conversations.js';
import { definitionField, flowBody, flowUpdateBody } from './flows.js';
import { secretBody } from './secrets.js';
import { apiKeyBody, createUserBody, selfUpdateBody, updateUserBody } from './users.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Operation {
  method: Method;
  path: string;
  summary: string;
  auth: 'admin' | 'user';
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The success status (the error statuses are common to all, see `responses`). */
  status: 200 | 201 | 204;
}

export const API_OPERATIONS: readonly Operation[] = [
  { method: 'post', path: '/users', summary: 'Create a user (tenant) and its first API key, shown once', auth: 'admin', body: createUserBody, status: 201 },
  { method: 'get', path: '/users', summary: 'List users', auth: 'admin', status: 200 },
  { method: 'patch', path: '/users/{id}', summary: "Update a user; a new access token resumes paused sends", auth: 'admin', body: updateUserBody, status: 200 },
  { method: 'post', path: '/users/{id}/api-keys', summary: 'Create another API key for a user', auth: 'admin', body: apiKeyBody, status: 201 },
  { method: 'get', path: '/me', summary: 'The calling user', auth: 'user', status: 200 },
  { method: 'patch', path: '/me', summary: 'Update the calling user (name, access token, app secret)', auth: 'user', body: selfUpdateBody, status: 200 },
  { method: 'post', path: '/flows', summary: 'Create a flow (validated and linted; errors block Active)', auth: 'user', body: flowBody, status: 201 },
  { method: 'get', path: '/flows', summary: 'List flows', auth: 'user', status: 200 },
  { method: 'get', path: '/flows/{id}', summary: 'A flow with its lint report', auth: 'user', status: 200 },
  { method: 'put', path: '/flows/{id}', summary: 'Update a flow; a new definition bumps the version', auth: 'user', body: flowUpdateBody, status: 200 },
  { method: 'patch', path: '/flows/{id}', summary: 'Same as PUT', auth: 'user', body: flowUpdateBody, status: 200 },
  { method: 'delete', path: '/flows/{id}', summary: 'Delete a flow and its sessions', auth: 'user', status: 204 },
  { method: 'get', path: '/secrets', summary: "Names of the secrets flows' HTTP requests use as {{secrets.NAME}}", auth: 'user', status: 200 },
  { method: 'put', path: '/secrets/{name}', summary: 'Set a secret (write-only, encrypted)', auth: 'user', body: secretBody, status: 204 },
  { method: 'delete', path: '/secrets/{name}', summary: 'Delete a secret', auth: 'user', status: 204 },
  { method: 'get', path: '/contacts', summary: 'Contacts, most recent first', auth: 'user', query: contactsQuery, status: 200 },
  { method: 'get', path: '/contacts/{id}', summary: 'A contact', auth: 'user', status: 200 },
  { method: 'get', path: '/contacts/{id}/messages', summary: "A contact's messages, newest first", auth: 'user', query: messagesQuery, status: 200 },
  { method: 'get', path: '/sessions', summary: 'Sessions (where contacts stand in flows)', auth: 'user', query: sessionsQuery, status: 200 },
  { method: 'get', path: '/conversations', summary: 'Conversations list: last message, unread count, session, 24-hour window', auth: 'user', query: conversationsQuery, status: 200 },
  { method: 'get', path: '/conversations/{id}', summary: 'One conversation of that list', auth: 'user', status: 200 },
  { method: 'post', path: '/contacts/{id}/read', summary: 'Mark a conversation read by operators', auth: 'user', status: 200 },
  { method: 'post', path: '/contacts/{id}/takeover', summary: 'Take the conversation over: the bot goes silent (Handoff) and its queued messages are cancelled', auth: 'user', status: 200 },
  { method: 'post', path: '/contacts/{id}/release', summary: 'Hand the conversation back to the bot (resume) or end it', auth: 'user', body: releaseBody, status: 200 },
  { method: 'post', path: '/contacts/{id}/messages', summary: 'Send a text as an operator (24-hour window, after a takeover)', auth: 'user', body: replyBody, status: 201 },
  { method: 'post', path: '/socket-tokens', summary: 'A short-lived token for a browser socket.io handshake', auth: 'user', status: 201 },
];

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
};

/** The flow definition field is documented with the definition's own JSON Schema. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (context) => {
      if (context.zodSchema === definitionField) Object.assign(context.jsonSchema, flowJsonSchema());
    },
  }) as Record<string, unknown>;
}

function operationObject(operation: Operation): Record<string, unknown> {
  const pathParameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryParameters = Object.entries(operation.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: jsonSchemaOf(schema as z.ZodType),
  }));
  const body = operation.body && jsonSchemaOf(operation.body);
  return {
    summary: operation.summary,
    security: [{ [operation.auth === 'admin' ? 'adminToken' : 'apiKey']: [] }],
    parameters: [...pathParameters, ...queryParameters],
    ...(body && { requestBody: { required: true, content: { 'application/json': { schema: body } } } }),
    responses: {
      [operation.status]: { description: operation.status === 204 ? 'Done' : 'OK' },
      400: { description: 'Invalid request', content: { 'application/json': { schema: errorSchema } } },
      401: { description: 'Missing or invalid token', content: { 'application/json': { schema: errorSchema } } },
      404: { description: "Not found (another user's ids too)", content: { 'application/json': { schema: errorSchema } } },
      429: { description: 'Rate limit reached' },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of API_OPERATIONS) {
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'waflow admin API', version: '1' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        apiKey: { type: 'http', scheme: 'bearer', description: "A user's API key (wfk_…)" },
      },
    },
    paths,
  };
}

export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  const document = openApiDocument();
  app.get('/openapi.json', async () => document);
}
