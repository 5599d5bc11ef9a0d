/**
 * The socket.io server: authenticates each handshake, lets a socket join only its own user's
 * conversations, and fans events out to `conversation:<contactId>` (the seed's events) and to
 * `user:<userId>` (`inbox:event`, for lists). It is the process's RealtimePublisher.
 */
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Db } from '../db/client.js';
import { createLocalRateLimiter } from '../outbox/rate-limit.js';
import {
  EVENT_TYPES,
  INBOX_EVENT,
  inboxEvent,
  wirePayload,
  type InboxEvent,
  type RealtimePublisher,
  type StoredEventType,
  type TypingEventType,
} from './events.js';
import type { RedisFanOut } from './redis-adapter.js';
import { conversationRoom, userRoom } from './rooms.js';
import { handleSocketRequests } from './socket-requests.js';

export type ServerToClientEvents = { [type in StoredEventType]: (payload: Record<string, unknown>) => void } & {
  [type in TypingEventType]: (payload: { contactId: string }) => void;
} & { [INBOX_EVENT]: (event: InboxEvent) => void };

/** Requests carry a loosely typed argument and an optional ack: both are checked at run time. */
export type ClientToServerEvents = Record<string, (...args: unknown[]) => void>;

export interface SocketData {
  userId: string;
}

export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeServerDeps {
  db: Db;
  log: Logger;
  /** Browser origins allowed to connect (FRONTEND_URL); credentials are allowed. */
  origins: readonly string[];
  /** The user behind a handshake token (an API key or a socket token), or null. */
  authenticate(token: string): Promise<string | null>;
  /** Cross-process fan-out (the Redis adapter), closed with the server; absent: this process only. */
  fanOut?: RedisFanOut;
  /** Follows the open sockets of this process (the socket connections gauge). */
  connections?: ConnectionGauge;
}

export interface ConnectionGauge {
  inc(): void;
  dec(): void;
}

export interface RealtimeServer extends RealtimePublisher {
  /** Serves socket.io (and its browser client) on this HTTP server's port. */
  attach(server: HttpServer): void;
  /** Disconnects every socket of this process; later publishes are dropped. */
  close(): Promise<void>;
}

export function createRealtimeServer(deps: RealtimeServerDeps): RealtimeServer {
  const io: RealtimeIo = new Server({
    cors: { origin: [...deps.origins], credentials: true },
    ...(deps.fanOut && { adapter: deps.fanOut.adapter }),
  });
  let closed = false;
  /**
   * Whether a room may have listeners. Without a fan-out every listener is in this process, and
   * socket.io encodes a packet before it looks for sockets: a room nobody joined is skipped.
   */
  const listened = (room: string) => deps.fanOut !== undefined || io.of('/').adapter.rooms.has(room);

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string' || token === '') return next(new Error('unauthorized: auth.token is required'));
    deps.authenticate(token).then(
      (userId) => {
        if (userId === null) return next(new Error('unauthorized: invalid or expired token'));
        socket.data.userId = userId;
        next();
      },
      (error: unknown) => {
        deps.log.warn({ err: error }, 'socket authentication failed');
        next(new Error('unavailable: try again'));
      },
    );
  });

  const limiter = createLocalRateLimiter();
  io.on('connection', (socket) => {
    deps.connections?.inc();
    socket.once('disconnect', () => deps.connections?.dec());
    void socket.join(userRoom(socket.data.userId));
    handleSocketRequests(socket, { db: deps.db, log: deps.log, limiter });
  });

  return {
    attach(server) {
      io.attach(server);
    },
    publish(events) {
      if (closed) return;
      for (const event of events) {
        const conversation = event.contactId ? conversationRoom(event.contactId) : null;
        if (conversation && listened(conversation)) io.to(conversation).emit(event.type, wirePayload(event));
        const user = userRoom(event.userId);
        if (listened(user)) io.to(user).emit(INBOX_EVENT, inboxEvent(event));
      }
    },
    typing(userId, contactId, active) {
      if (closed) return;
      const type = active ? EVENT_TYPES.typingStart : EVENT_TYPES.typingStop;
      const conversation = conversationRoom(contactId);
      if (listened(conversation)) io.to(conversation).emit(type, { contactId });
      const user = userRoom(userId);
      if (listened(user)) io.to(user).emit(INBOX_EVENT, { type, payload: { contactId } });
    },
    // Not io.close(): that would also close the HTTP server under fastify, which must first
    // answer in-flight and keep-alive requests as it shuts down.
    async close() {
      closed = true;
      io.local.disconnectSockets(true);
      await io.of('/').adapter.close();
      // Absent when never attached to an HTTP server (a worker process only publishes).
      (io.engine as typeof io.engine | undefined)?.close();
      await deps.fanOut?.close();
    },
  };
}
