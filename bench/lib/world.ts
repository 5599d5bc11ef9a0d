/**
 * Everything a run needs besides the load: the Cloud API simulator (in this process, playing
 * Meta), the server under test on a store, and one tenant with an Active flow that answers every
 * message with its text.
 */
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { BENCH_SECRETS, startServer, type Deployment, type Launch, type Server } from './server.js';
import type { Store } from './store.js';

export const BUSINESS = { phoneNumberId: '900100200', displayPhoneNumber: '15550009999', accessToken: 'EAAG-bench-token' };

/** start → end: one reply per inbound message, carrying the message's text back. */
const replyFlow = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'reply', type: 'end', data: { text: '{{input}}' } },
  ],
  edges: [{ id: 'start-reply', source: 'start', target: 'reply' }],
};

export interface Tenant {
  userId: string;
  flowId: string;
}

export interface WorldOptions {
  launch: Launch;
  store: Store;
  /** One process (the default) or a scaled deployment. */
  deployment?: Deployment;
  /** More environment for the server. */
  env?: Record<string, string>;
  worker: boolean;
  /** Between an accepted send and each of its status webhooks (sent, delivered, read). */
  statusDelayMs: number;
}

export interface World {
  simulator: Simulator;
  server: Server;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const simulator = await startSimulator({
    appSecret: BENCH_SECRETS.appSecret,
    phoneNumbers: { [BUSINESS.phoneNumberId]: { accessToken: BUSINESS.accessToken, displayPhoneNumber: BUSINESS.displayPhoneNumber } },
    statusDelayMs: options.statusDelayMs,
    statuses: ['sent', 'delivered', 'read'],
  });
  try {
    const server = await startServer({ ...options, graphUrl: simulator.url });
    simulator.setWebhookUrl(`${server.url}/webhooks/whatsapp`);
    return {
      simulator,
      server,
      async close() {
        await server.stop();
        await simulator.close();
      },
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}

/** Creates the bench tenant and its flow through the admin API, as an operator would. */
export async function createTenant(server: Server): Promise<Tenant> {
  const user = await callApi<{ id: string; apiKey: string }>(server, '/api/v1/users', BENCH_SECRETS.adminToken, {
    name: 'Bench',
    metaPhoneNumberId: BUSINESS.phoneNumberId,
    metaAccessToken: BUSINESS.accessToken,
  });
  const flow = await callApi<{ id: string }>(server, '/api/v1/flows', user.apiKey, {
    name: 'Reply',
    trigger: 'default',
    status: 'Active',
    definition: replyFlow,
  });
  return { userId: user.id, flowId: flow.id };
}

async function callApi<T>(server: Server, path: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Waits until `probe` is true, checking every 50 ms; false when `timeoutMs` ran out first. */
export async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
