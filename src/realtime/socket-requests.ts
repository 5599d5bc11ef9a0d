/**
 * What a client may ask over its socket: join or leave a conversation's room (only a contact of
 * its own user; otherwise an error ack and no join) and replay what it missed. Every request is
 * acknowledged when the client passes an ack: `{ ok: true, … }` or `{ ok: false, error }`.
 *
 * Each costs database time the API's rate limit does not see, so a socket's requests run one at a
 * time, and a user's requests (all its sockets in this process) are spent from a bucket, replays
 * (up to 1,500 events each) from a smaller one; past either, a request is refused with
 * `too_many_requests` and how long to wait.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { findContact } from '../db/repositories/contacts.js';
import { isStorableText } from '../db/storable.js';
import type { Bucket, RateLimiter } from '../outbox/rate-limit.js';
import { replayEvents } from './replay.js';
import { conversationRoom } from './rooms.js';
import type { RealtimeSocket } from './server.js';

export const SOCKET_REQUESTS = {
  join: 'join:conversation',
  leave: 'leave:conversation',
  replay: 'events:replay',
} as const;

/** Rooms one socket may be in at once (its own and its user's room included). */
export const MAX_ROOMS_PER_SOCKET = 200;
/** Requests of one socket waiting behind the one running; more are refused. */
export const MAX_WAITING_PER_SOCKET = 20;
/** A user's requests, all sockets together: a burst, then this many a second. */
export const USER_REQUESTS = { burst: 60, ratePerSecond: 10 } as const;
/** A user's replays, on top: a console reconnecting with a few tabs, then one every two seconds. */
export const USER_REPLAYS = { burst: 6, ratePerSecond: 0.5 } as const;

export interface SocketRequestDeps {
  db: Db;
  log: Logger;
  /** Shared by the sockets of this process (a local limiter: the bound is per process). */
  limiter: RateLimiter;
}

export type AckAnswer = ({ ok: true } & Record<string, unknown>) | { ok: false; error: { code: string; message: string } };

class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The seed sends a bare contact id; `{ contactId }` is accepted too. */
const contactId = z.string().min(1).max(200).refine(isStorableText);
const contactArgument = z.union([contactId, z.object({ contactId })]).transform(
  (value) => (typeof value === 'string' ? value : value.contactId),
);
const replayArgument = z.object({ afterSeq: z.number().int().min(0) });

function parse<T>(schema: z.ZodType<T>, value: unknown, expected: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestError('invalid_request', `expected ${expected}`);
  return parsed.data;
}

export function handleSocketRequests(socket: RealtimeSocket, deps: SocketRequestDeps): void {
  const userId = socket.data.userId;
  const requests: Bucket = { key: `socket-requests:${userId}`, ...USER_REQUESTS };
  const replays: Bucket = { key: `socket-replays:${userId}`, ...USER_REPLAYS };
  /** The request running and those waiting behind it, in the order they came. */
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  /** Runs after the socket's earlier requests, once the user's buckets grant it. */
  const inTurn = (buckets: readonly Bucket[], handle: () => Promise<Record<string, unknown>>) => {
    if (waiting >= MAX_WAITING_PER_SOCKET) {
      return Promise.reject(new RequestError('too_many_requests', `at most ${MAX_WAITING_PER_SOCKET} requests may wait on one socket`));
    }
    waiting += 1;
    const run = tail.then(async () => {
      waiting -= 1;
      const waitMs = await deps.limiter.take(buckets);
      if (waitMs > 0) throw new RequestError('too_many_requests', `too many requests: try again in ${waitMs} ms`);
      return handle();
    });
    tail = run.catch(() => undefined);
    return run;
  };

  const on = (event: string, handle: (argument: unknown) => Promise<Record<string, unknown>>, buckets: readonly Bucket[] = [requests]) => {
    socket.on(event, (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (answer: AckAnswer) => void) : null;
      const argument = ack && args.length === 1 ? undefined : args[0];
      inTurn(buckets, () => handle(argument)).then(
        (result) => ack?.({ ok: true, ...result }),
        (error: unknown) => {
          if (!(error instanceof RequestError)) deps.log.warn({ err: error, event }, 'socket request failed');
          const known = error instanceof RequestError ? error : new RequestError('unavailable', 'try again later');
          ack?.({ ok: false, error: { code: known.code, message: known.message } });
        },
      );
    });
  };

  on(SOCKET_REQUESTS.join, async (argument) => {
    const contactId = parse(contactArgument, argument, 'a contact id');
    if (!(await findContact(deps.db, userId, contactId))) throw new RequestError('not_found', 'contact not found');
    const room = conversationRoom(contactId);
    if (!socket.rooms.has(room) && socket.rooms.size >= MAX_ROOMS_PER_SOCKET) {
      throw new RequestError('too_many_rooms', `a socket can be in at most ${MAX_ROOMS_PER_SOCKET} rooms`);
    }
    await socket.join(room);
    return { contactId };
  });

  on(SOCKET_REQUESTS.leave, async (argument) => {
    const contactId = parse(contactArgument, argument, 'a contact id');
    await socket.leave(conversationRoom(contactId));
    return { contactId };
  });

  on(
    SOCKET_REQUESTS.replay,
    async (argument) => {
      const { afterSeq } = parse(replayArgument, argument, '{ afterSeq: number }');
      return { ...(await replayEvents(deps.db, userId, afterSeq)) };
    },
    [requests, replays],
  );
}
