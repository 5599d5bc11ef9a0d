/**
 * What a client may ask over its socket: join or leave a conversation's room (only a contact of
 * its own user; otherwise an error ack and no join) and replay what it missed. Every request is
 * acknowledged when the client passes an ack: `{ ok: true, … }` or `{ ok: false, error }`.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { findContact } from '../db/repositories/contacts.js';
import { isStorableText } from '../db/storable.js';
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

export function handleSocketRequests(socket: RealtimeSocket, deps: { db: Db; log: Logger }): void {
  const userId = socket.data.userId;

  const on = (event: string, handle: (argument: unknown) => Promise<Record<string, unknown>>) => {
    socket.on(event, (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (answer: AckAnswer) => void) : null;
      const argument = ack && args.length === 1 ? undefined : args[0];
      handle(argument).then(
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

  on(SOCKET_REQUESTS.replay, async (argument) => {
    const { afterSeq } = parse(replayArgument, argument, '{ afterSeq: number }');
    return { ...(await replayEvents(deps.db, userId, afterSeq)) };
  });
}
