import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { GraphApiError, isTokenError } from '../../../src/whatsapp/errors.js';
import { createGraphClient, type GraphClient } from '../../../src/whatsapp/graph-client.js';
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';
import { startReceiver, type Receiver } from '../simulator/receiver.js';

const PNID = '106540352242922';
const TOKEN = 'EAAG-secret-token';
const TO = '15551234567';

let sim: Simulator;
let receiver: Receiver;
let graph: GraphClient;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({
    appSecret: 'app-secret',
    webhookUrl: receiver.url,
    phoneNumbers: { [PNID]: { accessToken: TOKEN } },
    statuses: [],
  });
  graph = createGraphClient({ baseUrl: `${sim.url}/`, apiVersion: 'v23.0', timeoutMs: 300 });
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

afterEach(() => {
  sim.setFaults({});
});

async function sendError(promise: Promise<unknown>): Promise<GraphApiError> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphApiError);
  return error as GraphApiError;
}

const rows = (count: number, prefix = 'Row') =>
  Array.from({ length: count }, (_, index) => ({ id: `${prefix}-${index}`, title: `${prefix} ${index}` }));

function list(sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>): OutboundMessage {
  return { type: 'interactive', interactive: { type: 'list', body: { text: 'Pick one' }, action: { button: 'Options', sections } } };
}

function buttons(titles: string[]): OutboundMessage {
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Choose' },
      action: { buttons: titles.map((title, index) => ({ type: 'reply', reply: { id: `b${index}`, title } })) },
    },
  };
}

describe('send', () => {
  it('posts the message in the Cloud API envelope and returns the wamid', async () => {
    const message: OutboundMessage = { type: 'text', text: { body: 'Hällo / 😀', preview_url: false } };
    const { wamid } = await graph.send(PNID, TOKEN, TO, message);
    expect(wamid).toMatch(/^wamid\./);
    const sent = sim.sent.at(-1);
    expect(sent).toMatchObject({ phoneNumberId: PNID, to: TO, wamid });
    expect(sent?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, ...message });
  });

  it('adds context and biz_opaque_callback_data when asked', async () => {
    const { wamid } = await graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'Quoted' } }, {
      replyTo: 'wamid.IN1',
      bizOpaqueCallbackData: 'outbox:42',
    });
    const sent = sim.sent.find((message) => message.wamid === wamid);
    expect(sent?.body).toMatchObject({ context: { message_id: 'wamid.IN1' }, biz_opaque_callback_data: 'outbox:42' });
  });

  it.each<[string, OutboundMessage]>([
    ['reply buttons', buttons(['Yes', 'No', 'Maybe'])],
    [
      'reply buttons with header and footer',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'Menu' },
          body: { text: 'Choose' },
          footer: { text: 'Powered by waflow' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A'.repeat(20) } }] },
        },
      },
    ],
    ['a list of 10 rows over two sections', list([{ title: 'First', rows: rows(5) }, { title: 'Second', rows: rows(5, 'Other') }])],
    ['a list with one untitled section', list([{ rows: [{ id: 'r', title: 'R'.repeat(24), description: 'D'.repeat(72) }] }])],
    ['an image by link', { type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'A picture' } }],
    ['a document by id', { type: 'document', document: { id: '1479537139650976', filename: 'invoice.pdf' } }],
    ['an audio by id', { type: 'audio', audio: { id: '1479537139650975' } }],
    [
      'a template',
      {
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Jane' }] }] },
      },
    ],
    ['a location', { type: 'location', location: { latitude: 38.9, longitude: -77.03, name: 'Office' } }],
    ['a reaction', { type: 'reaction', reaction: { message_id: 'wamid.IN1', emoji: '👍' } }],
    [
      'a call-to-action URL',
      {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'See the menu' },
          action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com/menu' } },
        },
      },
    ],
    [
      'a location request',
      { type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where are you?' }, action: { name: 'send_location' } } },
    ],
    ['a 4096-character text', { type: 'text', text: { body: 'x'.repeat(4096) } }],
  ])('sends %s', async (_case, message) => {
    const { wamid } = await graph.send(PNID, TOKEN, TO, message);
    expect(sim.sent.at(-1)?.wamid).toBe(wamid);
  });
});

describe('send: messages Meta would refuse', () => {
  it.each<[string, OutboundMessage, number, RegExp]>([
    ['four buttons', buttons(['1', '2', '3', '4']), 131009, /Invalid buttons count.*Max allowed buttons: 3/],
    ['a 21-character button title', buttons(['x'.repeat(21)]), 131009, /Button title length invalid.*Max length: 20/],
    ['duplicate button titles', buttons(['Same', 'Same']), 131009, /Button titles must be unique/],
    ['11 rows', list([{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5, 'B') }]), 131009, /Total row count exceed max allowed count: 10/],
    ['a 25-character row title', list([{ rows: [{ id: 'r', title: 'x'.repeat(25) }] }]), 131009, /Row title length invalid.*24/],
    ['a 73-character row description', list([{ rows: [{ id: 'r', title: 'R', description: 'd'.repeat(73) }] }]), 131009, /Row description length invalid.*72/],
    ['untitled sections among several', list([{ rows: rows(1) }, { title: 'B', rows: rows(1, 'B') }]), 131008, /sections\[0\]\.title is required/],
    [
      'a 1025-character interactive body',
      { type: 'interactive', interactive: { type: 'button', body: { text: 'b'.repeat(1025) }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } },
      131009,
      /Body text length invalid.*1024/,
    ],
    ['a 4097-character text', { type: 'text', text: { body: 'x'.repeat(4097) } }, 131009, /Message body length invalid.*4096/],
    ['an empty text', { type: 'text', text: { body: '' } }, 131009, /Message body length invalid/],
  ])('rejects %s', async (_case, message, code, details) => {
    const before = sim.sent.length;
    const error = await sendError(graph.send(PNID, TOKEN, TO, message));
    expect(error).toMatchObject({ code, httpStatus: 400, retry: 'no' });
    expect(error.details).toMatch(details);
    expect(sim.sent).toHaveLength(before);
  });

  it('rejects a body without recipient with code 100', async () => {
    const error = await sendError(graph.send(PNID, TOKEN, '', { type: 'text', text: { body: 'hi' } }));
    expect(error).toMatchObject({ code: 100, retry: 'no' });
  });
});

describe('send: failures', () => {
  it('maps a wrong token to 190 / HTTP 401 and never echoes the token', async () => {
    const error = await sendError(graph.send(PNID, 'not-the-token', TO, { type: 'text', text: { body: 'hi' } }));
    expect(error).toMatchObject({ code: 190, httpStatus: 401, retry: 'no' });
    expect(isTokenError(error)).toBe(true);
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain('not-the-token');
  });

  it('refuses a token that cannot be sent in a header as a token error, before any request', async () => {
    const before = sim.sent.length;
    for (const token of [`${TOKEN}\n`, 'EAAG tok', 'EAAG\u00e9']) {
      const error = await sendError(graph.send(PNID, token, TO, { type: 'text', text: { body: 'hi' } }));
      expect(error).toMatchObject({ code: 190, retry: 'no' });
      expect(isTokenError(error)).toBe(true);
    }
    expect(sim.sent.length).toBe(before);
  });

  it('answers 100 for a phone number id the token cannot use', async () => {
    const error = await sendError(graph.send('999', TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(error).toMatchObject({ code: 100, subcode: 33, httpStatus: 400, retry: 'no' });
  });

  it.each<[string, { code: number }, number, string]>([
    ['pair rate limit', { code: 131056 }, 400, 'recipient'],
    ['throughput limit', { code: 130429 }, 429, 'number'],
    ['server error', { code: 131000 }, 500, 'yes'],
    ['expired token', { code: 190 }, 401, 'no'],
    ['outside the 24-hour window', { code: 131047 }, 400, 'no'],
  ])('maps an injected %s', async (_case, { code }, httpStatus, retry) => {
    sim.setFaults({ failNext: { count: 1, failure: { kind: 'graph', code } } });
    const error = await sendError(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(error).toMatchObject({ code, httpStatus, retry });
    expect(error.fbtraceId).toEqual(expect.any(String));
    // Only the next send failed.
    await expect(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } })).resolves.toBeDefined();
  });

  it('maps a non-JSON 502 from a proxy to a retryable error', async () => {
    sim.setFaults({ failNext: { count: 1, failure: { kind: 'http', httpStatus: 502, body: 'Bad Gateway' } } });
    const error = await sendError(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(error).toMatchObject({ code: null, httpStatus: 502, retry: 'yes', details: 'Bad Gateway' });
  });

  it('gives up after the timeout with a retryable error', async () => {
    sim.setFaults({ failNext: { count: 1, failure: { kind: 'timeout' } } });
    const started = Date.now();
    const error = await sendError(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toMatchObject({ code: null, httpStatus: null, retry: 'yes', message: 'Graph API request timed out' });
  });

  it('times out on a slow answer too', async () => {
    sim.setFaults({ latencyMs: 1_000 });
    const error = await sendError(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(error.message).toBe('Graph API request timed out');
  });

  it('fails every send at failure rate 1', async () => {
    sim.setFaults({ failRate: { rate: 1, failure: { kind: 'graph', code: 131000 } } });
    for (let i = 0; i < 3; i += 1) {
      expect((await sendError(graph.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }))).code).toBe(131000);
    }
  });

  it('reports a refused connection as retryable', async () => {
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const address = unused.address();
    await new Promise((resolve) => unused.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no address');
    const closed = createGraphClient({ baseUrl: `http://127.0.0.1:${address.port}`, apiVersion: 'v23.0', timeoutMs: 1_000 });
    const error = await sendError(closed.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } }));
    expect(error.retry).toBe('yes');
    expect(error.message).toMatch(/^Graph API request failed: .*ECONNREFUSED/);
  });
});

describe('send: unexpected 2xx answers', () => {
  let server: Server;
  let answer = '';
  let client: GraphClient;

  beforeAll(async () => {
    server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(answer));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    client = createGraphClient({ baseUrl: `http://127.0.0.1:${address.port}`, apiVersion: 'v23.0', timeoutMs: 1_000 });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const send = () => client.send(PNID, TOKEN, TO, { type: 'text', text: { body: 'hi' } });

  it.each(['{}', '{"messages":[]}', '{"messages":[{"id":""}]}', 'not json'])('treats %s as a non-retryable failure', async (body) => {
    answer = body;
    const error = await sendError(send());
    expect(error).toMatchObject({ httpStatus: 200, retry: 'no', code: null });
  });

  it.each([
    ['missing', '{"messages":[{}]}'],
    ['not a string', '{"messages":[{"id":42}]}'],
    ['longer than 256 characters', JSON.stringify({ messages: [{ id: `wamid.${'A'.repeat(251)}` }] })],
    ['holding a NUL', '{"messages":[{"id":"wamid.\\u0000"}]}'],
    ['holding an unpaired surrogate', '{"messages":[{"id":"wamid.\\ud800"}]}'],
  ])('refuses a message id %s, which could not be stored: not retried, as it may have been sent', async (_what, body) => {
    answer = body;
    const error = await sendError(send());
    expect(error).toMatchObject({ httpStatus: 200, retry: 'no', code: null });
    expect(error.message).toMatch(/messages\[0\]\.id .*may have been sent, so it is not retried/);
  });

  it('accepts a message id of 256 characters', async () => {
    const id = `wamid.${'A'.repeat(250)}`;
    answer = JSON.stringify({ messages: [{ id }] });
    expect(await send()).toEqual({ wamid: id });
  });
});

describe('markRead', () => {
  it('marks a message read, with or without the typing indicator', async () => {
    await graph.markRead(PNID, TOKEN, 'wamid.IN1');
    await graph.markRead(PNID, TOKEN, 'wamid.IN2', { typing: true });
    expect(sim.reads.slice(-2)).toMatchObject([
      { phoneNumberId: PNID, wamid: 'wamid.IN1', typing: false },
      { phoneNumberId: PNID, wamid: 'wamid.IN2', typing: true },
    ]);
  });

  it('fails like a send on a wrong token', async () => {
    expect((await sendError(graph.markRead(PNID, 'wrong', 'wamid.IN1'))).code).toBe(190);
  });
});

describe('getMedia', () => {
  it('describes media a user sent, at a URL that serves it with the same bearer', async () => {
    await sim.userSends(PNID, TO, { type: 'image', caption: 'receipt', mimeType: 'image/png' });
    const [webhook] = await receiver.waitForCount(1);
    const mediaId = JSON.stringify(webhook?.json).match(/"image":\{"id":"(\d+)"/)?.[1];
    expect(mediaId).toBeDefined();
    const media = await graph.getMedia(TOKEN, mediaId ?? '');
    expect(media).toMatchObject({ mime_type: 'image/png', file_size: expect.any(Number) });
    const download = await fetch(media.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(media.file_size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(media.sha256);
    expect((await fetch(media.url)).status).toBe(401);
  });

  it('fails for an unknown media id or a wrong token', async () => {
    expect(await sendError(graph.getMedia(TOKEN, '12345'))).toMatchObject({ code: 100, retry: 'no' });
    expect(await sendError(graph.getMedia('wrong', '12345'))).toMatchObject({ code: 190 });
  });
});
