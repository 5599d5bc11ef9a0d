/** socket.io clients for tests: connect with a token, record every event in arrival order. */
import { io, type Socket } from 'socket.io-client';
import { eventually } from '../support/harness.js';

export interface Received {
  event: string;
  payload: Record<string, unknown>;
}

export interface TestClient {
  socket: Socket;
  /** Every server event, oldest first. */
  received: Received[];
  /** Events named `event` (all of them when omitted), payloads only. */
  payloads(event?: string): Array<Record<string, unknown>>;
  /** Waits until `count` events named `event` have arrived. */
  waitFor(event: string, count?: number): Promise<Array<Record<string, unknown>>>;
  request<T = AckAnswer>(event: string, argument?: unknown): Promise<T>;
  close(): void;
}

export type AckAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: { code: string; message: string } };

/** Resolves once connected; rejects with the server's connect_error message. */
export async function connectClient(url: string, auth: Record<string, unknown>): Promise<TestClient> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  const received: Received[] = [];
  socket.onAny((event: string, payload: Record<string, unknown>) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  const payloads = (event?: string) => received.filter((item) => event === undefined || item.event === event).map((item) => item.payload);
  return {
    socket,
    received,
    payloads,
    waitFor: (event, count = 1) =>
      eventually(() => {
        const found = payloads(event);
        return found.length >= count ? found : null;
      }),
    request: (event, argument) => socket.timeout(5_000).emitWithAck(event, argument),
    close: () => socket.close(),
  };
}

/** The message of the connect_error a handshake with `auth` gets. */
export async function connectError(url: string, auth: Record<string, unknown>): Promise<string> {
  try {
    const client = await connectClient(url, auth);
    client.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the handshake was accepted');
}
