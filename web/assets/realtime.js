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
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;

/** Doubling up to a cap, half of it random: consoles dropped by one restart do not all return at once. */
const retryDelay = (attempt) => {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * handlers: event(type, payload), typing(contactId, active), connection(state, detail),
 * hasLoaded() whether there is data a connection must catch up on, resync() when more was missed
 * than a replay holds.
 */
export function connectRealtime(handlers) {
  let lastSeq = 0;
  let openContactId = null;
  let closed = false;
  let reconnectTimer;
  let reconnectAttempt = 0;
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

  /** A token for the handshake. An empty one would be refused and, refused, never retried. */
  async function mintToken() {
    for (let attempt = 0; !closed; attempt += 1) {
      try {
        return (await api('POST', '/socket-tokens')).token;
      } catch (failure) {
        handlers.connection('offline', failure.message);
      }
      await sleep(retryDelay(attempt));
    }
    return null;
  }

  const socket = io({
    auth: (send) => {
      void mintToken().then((token) => token && send({ token }));
    },
  });
  const request = (name, argument) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, argument);

  /** socket.io retries a dropped transport by itself, but not a server's disconnect nor a refused handshake. */
  function reconnectLater() {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => socket.connect(), retryDelay(reconnectAttempt));
    reconnectAttempt += 1;
  }

  /** What changed while there was no connection: replayed from the last event seen, else reloaded. */
  async function catchUp() {
    if (lastSeq === 0) return handlers.resync();
    const replay = await request('events:replay', { afterSeq: lastSeq });
    if (!replay.ok) throw new Error(replay.error.message);
    for (const event of replay.events) accept(event.type, event.payload);
    if (!replay.complete) handlers.resync();
  }

  let firstConnect;
  const connected = new Promise((resolve) => (firstConnect = resolve));

  socket.on('connect', async () => {
    // Asked before `connected` resolves: data loaded without a connection (the first one was
    // slow) may have missed changes too.
    const hadData = handlers.hasLoaded();
    reconnectAttempt = 0;
    firstConnect();
    handlers.connection('live');
    try {
      if (openContactId) await request('join:conversation', openContactId);
      if (hadData) await catchUp();
    } catch {
      handlers.resync();
    }
  });
  socket.on('disconnect', (reason) => {
    handlers.connection('offline');
    if (reason === 'io server disconnect') reconnectLater();
  });
  socket.on('connect_error', (error) => {
    handlers.connection('offline', error.message);
    if (!socket.active) reconnectLater();
  });
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
      closed = true;
      clearTimeout(reconnectTimer);
      socket.disconnect();
    },
  };
}
