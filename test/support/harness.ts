/**
 * Starts the real service (embedded database in a temp folder) and the Cloud API simulator,
 * wired to each other over real HTTP, and offers small helpers to drive the admin API.
 */
import { rmSync } from 'node:fs';
import type { SQL } from 'drizzle-orm';
import { createWaflow, type Waflow } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { freshDataDir } from './data-dir.js';

export const APP_SECRET = 'test-app-secret';
export const PHONE_NUMBER_ID = '100200300';
export const ACCESS_TOKEN = 'EAAG-test-token';
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface Harness {
  url: string;
  waflow: Waflow;
  simulator: Simulator;
  dataDir: string;
  env: Record<string, string>;
  api: ApiCall;
  /** Creates a user for PHONE_NUMBER_ID (or the given one); returns its id and API key. */
  createUser(phoneNumberId?: string, accessToken?: string): Promise<{ id: string; apiKey: string }>;
  createFlow(apiKey: string, flow: { name?: string; trigger: string; status?: string; definition: unknown }): Promise<{ id: string }>;
  /** Stops the service (and, unless `keepData`, everything else). */
  close(options?: { keepData?: boolean; keepSimulator?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Reuse a data folder (restart tests). */
  dataDir?: string;
  /** Reuse a running simulator. */
  simulator?: Simulator;
}

/** The environment of a service under test: its data folder, the simulator, known secrets. */
export function serviceEnv(dataDir: string, simulatorUrl: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'verify-me',
    ADMIN_TOKEN,
    META_GRAPH_URL: simulatorUrl,
    LOG_LEVEL: 'silent',
    SEND_RETRY_BASE_MS: '20',
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? freshDataDir('test');
  const simulator =
    options.simulator ??
    (await startSimulator({ appSecret: APP_SECRET, phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } } }));
  const env = { ...serviceEnv(dataDir, simulator.url), PORT: '0', ...options.env };
  const waflow = await createWaflow(loadConfig(env)).catch(async (error: unknown) => {
    if (!options.simulator) await simulator.close();
    throw error;
  });
  const url = await waflow.listen();
  simulator.setWebhookUrl(`${url}/webhooks/whatsapp`);

  const api = apiClient(url);
  const admin = adminClient(api);

  return {
    url,
    waflow,
    simulator,
    dataDir,
    env,
    api,
    ...admin,
    async close(closeOptions = {}) {
      await waflow.close();
      if (!closeOptions.keepSimulator && !options.simulator) await simulator.close();
      if (!closeOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type ApiCall = <T = unknown>(method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: T }>;

/** JSON over real HTTP to a running service. */
export function apiClient(url: string): ApiCall {
  return async (method, path, body, token) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
  };
}

/** Creating tenants and flows through the admin API, as a newcomer would. */
export function adminClient(api: ApiCall): Pick<Harness, 'createUser' | 'createFlow'> {
  return {
    async createUser(phoneNumberId = PHONE_NUMBER_ID, accessToken = ACCESS_TOKEN) {
      const created = await api<{ id: string; apiKey: string }>(
        'POST',
        '/api/v1/users',
        { name: `Tenant ${phoneNumberId}`, metaPhoneNumberId: phoneNumberId, metaAccessToken: accessToken },
        ADMIN_TOKEN,
      );
      if (created.status !== 201) throw new Error(`createUser: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body;
    },
    async createFlow(apiKey, flow) {
      const created = await api<{ id: string }>('POST', '/api/v1/flows', { name: 'flow', status: 'Active', ...flow }, apiKey);
      if (created.status !== 201) throw new Error(`createFlow: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body;
    },
  };
}

/** Polls until `probe` returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a read-only SQL query against the service's database (tests look, never write). */
export async function queryRows<T>(h: Harness, query: SQL): Promise<T[]> {
  const result = (await h.waflow.database.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** A single count(*) … as n query. */
export async function queryCount(h: Harness, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(h, query);
  return Number(row?.n ?? 0);
}
