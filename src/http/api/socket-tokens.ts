/** `POST /socket-tokens`: a short-lived token for a browser's socket.io handshake. */
import type { FastifyInstance } from 'fastify';
import type { SocketTokens } from '../../realtime/socket-tokens.js';
import type { ApiDeps } from './deps.js';

export async function socketTokenRoutes(app: FastifyInstance, api: ApiDeps, deps: { tokens: SocketTokens; now(): number }): Promise<void> {
  app.post('/socket-tokens', async (request, reply) => {
    const userId = await api.auth.user(request);
    const { token, expiresAt } = deps.tokens.mint(userId, deps.now());
    return reply.status(201).header('cache-control', 'no-store').send({ token, expiresAt });
  });
}
