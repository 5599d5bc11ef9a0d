/** A small real HTTP server standing in for waflow's webhook endpoint in tests. */
import { createServer } from 'node:http';

export interface ReceivedWebhook {
  rawBody: Buffer;
  signature: string | undefined;
  contentType: string | undefined;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** The HTTP status to answer with from now on. */
  answerWith(status: number): void;
  /** Holds each answer this long from now on, so a test can act while a POST is in flight. */
  answerAfter(delayMs: number): void;
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  let status = 200;
  let answerDelayMs = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const header = request.headers['x-hub-signature-256'];
      received.push({
        rawBody,
        signature: Array.isArray(header) ? header.join(',') : header,
        contentType: request.headers['content-type'],
        json: parseJson(rawBody.toString('utf8')),
      });
      setTimeout(() => response.writeHead(status).end(), answerDelayMs);
      for (const waiter of waiters) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/whatsapp`,
    received,
    answerWith: (next) => {
      status = next;
    },
    answerAfter: (delayMs) => {
      answerDelayMs = delayMs;
    },
    waitForCount: (count, timeoutMs = 3_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: ${received.length} of ${count} webhooks after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
