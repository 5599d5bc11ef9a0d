import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createPoster } from '../../bench/lib/http.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server answering each POST as `answer` says, after reading its whole body. */
async function serve(answer: (body: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(Buffer.concat(chunks).toString(), res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
}

it('posts the body with its headers and resolves with each answer\'s status, over few connections', async () => {
  const seen: string[] = [];
  const sockets = new Set<unknown>();
  const url = await serve((body, res) => {
    seen.push(body);
    res.statusCode = body === 'refuse' ? 401 : 200;
    res.end(JSON.stringify({ body }));
  });
  server!.on('connection', (socket) => sockets.add(socket));
  server!.on('request', (req) => expect(req.headers['x-test']).toBe('yes'));
  const poster = createPoster(url, 2);
  const bodies = ['a', 'refuse', 'c', 'd', 'e'];
  const statuses = await Promise.all(bodies.map((body) => poster.post(Buffer.from(body), { 'x-test': 'yes' })));
  poster.close();
  expect(statuses).toEqual([200, 401, 200, 200, 200]);
  expect(seen.sort()).toEqual([...bodies].sort());
  expect(sockets.size).toBeLessThanOrEqual(2);
});

it('resolves 0 for a connection dropped before the answer, and carries on with a new one', async () => {
  const url = await serve((body, res) => {
    if (body === 'drop') res.socket?.destroy();
    else res.end('ok');
  });
  const poster = createPoster(url, 1);
  const statuses = await Promise.all([poster.post(Buffer.from('drop'), {}), poster.post(Buffer.from('next'), {})]);
  poster.close();
  expect(statuses).toEqual([0, 200]);
});

it('opens a new connection after an answer that closes its own', async () => {
  const url = await serve((_body, res) => {
    res.setHeader('connection', 'close');
    res.end('bye');
  });
  const poster = createPoster(url, 1);
  const statuses = [await poster.post(Buffer.from('1'), {}), await poster.post(Buffer.from('2'), {})];
  poster.close();
  expect(statuses).toEqual([200, 200]);
});
