/**
 * The live connection: socket.io with a short-lived token minted for each (re)connect, every
 * stored event applied once (by its sequence number) whether it arrives in the user's room, the
 * open conversation's room or a replay, and a replay after each reconnect of what was missed.
 * Typing indicators are not stored: they are applied as they come.
 */
import { io } from '/socket.io/socket.io.esm.min.js';
import { api } from './api.js';

const STORED_EVENTS = ['message:new', 'message:status', 'session:updated', 'conversation:read'];
const TYPING_EVENTS = ['typing:start', 'typing:stop'];
const SEEN_LIMIT = 5000;
const ACK_TIMEOUT_MS = 10_000;

/**
 * handlers: event(type, payload), typing(contactId, active), connection(state, detail),
 * resync() when more was missed than a replay holds.
 */
export function connectRealtime(handlers) {
  let lastSeq = 0;
  let openContactId = null;
  const seen = new Set();

  const accept = (type, payload) => {
    if (typeof payload?.seq === 'number') {
      if (seen.has(payload.seq)) return;
      seen.add(payload.seq);
      if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value);
      lastSeq = Math.max(lastSeq, payload.seq);
    }
    handlers.event(type, payload);
  };

  const socket = io({
    auth: (send) => {
      api('POST', '/socket-tokens').then(
        ({ token }) => send({ token }),
        () => send({ token: '' }),
      );
    },
  });
  const request = (name, argument) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, argument);

  let firstConnect;
  let reconnecting = false;
  const connected = new Promise((resolve) => (firstConnect = resolve));

  socket.on('connect', async () => {
    firstConnect();
    handlers.connection('live');
    try {
      if (openContactId) await request('join:conversation', openContactId);
      if (!reconnecting) {
        reconnecting = true;
        return;
      }
      // No event seen before the drop: there is no sequence number to replay from.
      if (lastSeq === 0) return handlers.resync();
      const replay = await request('events:replay', { afterSeq: lastSeq });
      if (!replay.ok) throw new Error(replay.error.message);
      for (const event of replay.events) accept(event.type, event.payload);
      if (!replay.complete) handlers.resync();
    } catch {
      handlers.resync();
    }
  });
  socket.on('disconnect', () => handlers.connection('offline'));
  socket.on('connect_error', (error) => handlers.connection('offline', error.message));
  const typing = (type, { contactId }) => handlers.typing(contactId, type === 'typing:start');
  socket.on('inbox:event', ({ type, payload }) => (TYPING_EVENTS.includes(type) ? typing(type, payload) : accept(type, payload)));
  for (const type of STORED_EVENTS) socket.on(type, (payload) => accept(type, payload));
  for (const type of TYPING_EVENTS) socket.on(type, (payload) => typing(type, payload));

  return {
    /**
     * Resolves once the socket is first in the user's room: data loaded after that misses
     * nothing, since every later change arrives as an event.
     */
    connected,
    /** Follows one conversation's room (typing indicators); leaves the previous one. */
    async open(contactId) {
      const previous = openContactId;
      openContactId = contactId;
      if (!socket.connected) return;
      if (previous && previous !== contactId) socket.emit('leave:conversation', previous);
      if (contactId) {
        const answer = await request('join:conversation', contactId);
        if (!answer.ok) throw new Error(answer.error.message);
      }
    },
    close() {
      socket.disconnect();
    },
  };
}
