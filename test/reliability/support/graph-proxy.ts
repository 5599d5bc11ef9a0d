/**
 * An HTTP proxy between the service and the simulated Graph API. It cuts connections on demand —
 * before a request reaches the Graph API, or after the Graph API accepted it (the answer is lost,
 * as when a network fails on the way back) — and counts what the service got for every request.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tally } from './figures.js';

export interface GraphProxy {
  url: string;
  /** `status:<code>`, `reset`, `answer-lost`, `gave-up` (the service stopped waiting: its timeout). */
  outcomes: Tally;
  /** The next `count` requests are reset before they reach the Graph API. */
  resetNext(count: number): void;
  /** The next `count` requests reach the Graph API; then the connection is reset instead of answering. */
  loseAnswersOfNext(count: number): void;
  close(): Promise<void>;
}

export async function startGraphProxy(target: string): Promise<GraphProxy> {
  const outcomes = new Tally();
  let resets = 0;
  let lostAnswers = 0;

  const server = createServer((request, response) => {
    if (resets > 0) {
      resets -= 1;
      outcomes.add('reset');
      request.socket.resetAndDestroy();
      return;
    }
    const loseAnswer = lostAnswers > 0;
    if (loseAnswer) lostAnswers -= 1;
    let settled = false;
    const upstream = httpRequest(`${target}${request.url ?? '/'}`, { method: request.method, headers: request.headers }, (answer) => {
      settled = true;
      if (loseAnswer) {
        outcomes.add('answer-lost');
        answer.resume();
        request.socket.resetAndDestroy();
        return;
      }
      outcomes.add(`status:${answer.statusCode}`);
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    response.on('close', () => {
      if (settled) return;
      settled = true;
      outcomes.add('gave-up');
      upstream.destroy();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    outcomes,
    resetNext: (count) => void (resets = count),
    loseAnswersOfNext: (count) => void (lostAnswers = count),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
