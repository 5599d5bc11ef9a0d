/**
 * Prometheus metrics (prom-client), one registry per process. Modules get the handles they
 * update; gauges that need a query (queue depth) are computed when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  webhooks: Counter<'result'>;
  webhookSeconds: Histogram;
  inboxEvents: Counter<'kind' | 'state'>;
  inboxLagSeconds: Histogram;
  engineSteps: Counter;
  sends: Counter<'result' | 'code'>;
  sendRetries: Counter;
  sendSeconds: Histogram;
  socketConnections: Gauge;
}

export function createMetrics(gauges: { pendingEvents(): Promise<number>; queuedMessages(): Promise<number> }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'waflow_process_' });
  const latency = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const metrics: Metrics = {
    registry,
    webhooks: new Counter({ name: 'waflow_webhooks_total', help: 'Webhook POSTs by result', labelNames: ['result'], registers: [registry] }),
    webhookSeconds: new Histogram({ name: 'waflow_webhook_ack_seconds', help: 'Time to acknowledge a webhook POST', buckets: latency, registers: [registry] }),
    inboxEvents: new Counter({ name: 'waflow_inbox_events_total', help: 'Inbox events processed, by kind and outcome', labelNames: ['kind', 'state'], registers: [registry] }),
    inboxLagSeconds: new Histogram({ name: 'waflow_inbox_lag_seconds', help: 'From webhook received to event processed', buckets: latency, registers: [registry] }),
    engineSteps: new Counter({ name: 'waflow_engine_steps_total', help: 'Engine steps run', registers: [registry] }),
    sends: new Counter({ name: 'waflow_sends_total', help: 'Graph API sends by result and Meta error code', labelNames: ['result', 'code'], registers: [registry] }),
    sendRetries: new Counter({ name: 'waflow_send_retries_total', help: 'Sends deferred for a retry', registers: [registry] }),
    sendSeconds: new Histogram({ name: 'waflow_send_seconds', help: 'Graph API send latency', buckets: latency, registers: [registry] }),
    socketConnections: new Gauge({ name: 'waflow_socket_connections', help: 'Open socket.io connections', registers: [registry] }),
  };
  new Gauge({
    name: 'waflow_inbox_pending',
    help: 'Inbox events waiting for a worker (queue depth)',
    registers: [registry],
    async collect() {
      this.set(await gauges.pendingEvents());
    },
  });
  new Gauge({
    name: 'waflow_outbox_queued',
    help: 'Outbound messages waiting to be sent',
    registers: [registry],
    async collect() {
      this.set(await gauges.queuedMessages());
    },
  });
  return metrics;
}
