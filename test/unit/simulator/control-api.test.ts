/** The simulator's control API: a user message posted over HTTP becomes a signed webhook. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/simulator/index.js';
import { verifySignature } from '../../../src/whatsapp/signature.js';
import { startReceiver, type Receiver } from './receiver.js';

let simulator: Simulator;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  simulator = await startSimulator({ appSecret: 'ctl', webhookUrl: receiver.url, phoneNumbers: { '777': { accessToken: 't' } }, statuses: [] });
});
afterAll(async () => {
  await simulator.close();
  await receiver.close();
});

const control = (path: string, init?: RequestInit) => fetch(`${simulator.url}/_simulator/${path}`, init);

describe('simulator control API', () => {
  it('posts a signed text webhook for { from, text } and returns its wamid', async () => {
    const response = await control('messages', { method: 'POST', body: JSON.stringify({ from: '15550001234', text: 'menu', name: 'Ana' }) });
    expect(response.status).toBe(200);
    const { wamid } = (await response.json()) as { wamid: string };
    const [webhook] = await receiver.waitForCount(1);
    expect(verifySignature(webhook!.rawBody, webhook!.signature, ['ctl'])).toBe(true);
    expect(JSON.stringify(webhook!.json)).toContain(wamid);
    expect(JSON.stringify(webhook!.json)).toContain('"body":"menu"');
  });

  it('refuses a body without a phone number or a message with 400', async () => {
    expect((await control('messages', { method: 'POST', body: JSON.stringify({ text: 'x' }) })).status).toBe(400);
    expect((await control('messages', { method: 'POST', body: JSON.stringify({ from: '15550001234' }) })).status).toBe(400);
  });

  it('lists what was sent, filtered by recipient', async () => {
    await fetch(`${simulator.url}/v24.0/777/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '15550009999', type: 'text', text: { body: 'hi' } }),
    });
    const all = (await (await control('sent')).json()) as { sent: Array<{ to: string }> };
    const mine = (await (await control('sent?to=15550009999')).json()) as { sent: Array<{ to: string }> };
    expect(all.sent.length).toBeGreaterThanOrEqual(1);
    expect(mine.sent.map((m) => m.to)).toEqual(['15550009999']);
  });
});
