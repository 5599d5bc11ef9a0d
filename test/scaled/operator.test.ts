/**
 * An operator's reply taken by a `serve --no-worker` process is sent by a worker process at once
 * (announced through the queue, not left for the periodic sweep).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { questionFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, apiClient, eventually } from '../support/harness.js';
import { startScaledWorld, type ScaledWorld } from '../support/scaled.js';
import { scaledModeAvailable } from '../support/services.js';

describe.skipIf(!scaledModeAvailable)('operator replies in scaled mode', () => {
  let world: ScaledWorld;
  beforeAll(async () => {
    world = await startScaledWorld();
  });
  afterAll(() => world.close());

  it('sends an operator message queued by a serve process within seconds', async () => {
    const { simulator } = world;
    const { serves } = await world.cluster({ serves: 1, workers: 1, env: world.env({ SWEEP_INTERVAL_MS: '60000' }) });
    const api = apiClient(serves[0]!.url);
    const { apiKey } = await world.tenant(serves[0]!.url, { trigger: 'default', definition: questionFlow });

    const phone = '15558200001';
    // Stored (200) before anything else: a webhook that was refused is not redelivered here.
    expect((await simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello' })).status).toBe(200);
    await eventually(() => simulator.sent.some((m) => m.to === phone), 20_000);
    const contacts = await api<{ contacts: Array<{ id: string; phone: string }> }>('GET', '/api/v1/contacts', undefined, apiKey);
    const contactId = contacts.body.contacts.find((c) => c.phone === phone)!.id;

    expect((await api('POST', `/api/v1/contacts/${contactId}/takeover`, {}, apiKey)).status).toBe(200);
    const sentAt = Date.now();
    expect((await api('POST', `/api/v1/contacts/${contactId}/messages`, { text: 'Hi, a person here.' }, apiKey)).status).toBe(201);
    const reply = await eventually(() => simulator.sent.find((m) => m.to === phone && (m.body.text as { body?: string } | undefined)?.body === 'Hi, a person here.'), 20_000);
    expect(reply.time - sentAt).toBeLessThan(10_000);
  }, 90_000);
});
