/**
 * The operations routes: /health, /ready and /metrics in Prometheus text, whose series follow
 * what the service did — webhooks by result, inbox events and their lag, engine steps, sends by
 * result and Meta error code, retries, queue depths, socket connections, latency histograms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../realtime/clients.js';
import { echoFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let apiKey: string;
let client: TestClient | undefined;

beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
  await h.createFlow(apiKey, { trigger: 'default', definition: echoFlow('got {{input}}') });
});
afterAll(async () => {
  client?.close();
  await h.close();
});

/** Every sample of the exposition as `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${h.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

const value = (samples: Map<string, number>, series: string) => samples.get(series) ?? 0;

describe('health and readiness', () => {
  it('answers /health and /ready while the process and its database are up', async () => {
    expect(await (await fetch(`${h.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('metrics', () => {
  it('counts what happened: webhooks, inbox events, engine steps, sends, retries, sockets, latencies', async () => {
    const before = await scrape();
    const phone = '15559510001';
    h.simulator.setFaults({ failNext: { count: 1, failure: { kind: 'graph', code: 130429 } } });
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hello' });
    await eventually(() => h.simulator.sent.some((message) => message.to === phone));
    h.simulator.setFaults({});
    const refused = await fetch(`${h.url}/webhooks/whatsapp`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(refused.status).toBe(401);
    client = await connectClient(h.url, { token: apiKey });

    const after = await eventually(async () => {
      const samples = await scrape();
      return value(samples, 'waflow_sends_total{result="sent",code=""}') > value(before, 'waflow_sends_total{result="sent",code=""}') &&
        value(samples, 'waflow_socket_connections') === 1
        ? samples
        : null;
    });
    const grew = (series: string) => value(after, series) - value(before, series);

    expect(grew('waflow_webhooks_total{result="stored"}')).toBeGreaterThanOrEqual(1);
    expect(grew('waflow_webhooks_total{result="unsigned"}')).toBe(1);
    expect(grew('waflow_webhook_ack_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(grew('waflow_inbox_events_total{kind="message",state="done"}')).toBe(1);
    expect(grew('waflow_inbox_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(grew('waflow_engine_steps_total')).toBeGreaterThanOrEqual(1);
    expect(grew('waflow_sends_total{result="retry",code="130429"}')).toBe(1);
    expect(grew('waflow_send_retries_total')).toBe(1);
    expect(grew('waflow_sends_total{result="sent",code=""}')).toBe(1);
    expect(grew('waflow_send_seconds_count')).toBe(2);
    expect(value(after, 'waflow_send_seconds_bucket{le="+Inf"}')).toBe(value(after, 'waflow_send_seconds_count'));
    expect(value(after, 'waflow_socket_connections')).toBe(1);
    expect(after.has('waflow_inbox_pending')).toBe(true);
    expect(after.has('waflow_outbox_queued')).toBe(true);
    expect([...after.keys()].some((series) => series.startsWith('waflow_process_'))).toBe(true);

    client.close();
    await eventually(async () => value(await scrape(), 'waflow_socket_connections') === 0);
  });
});
