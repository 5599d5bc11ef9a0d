/**
 * A scaled deployment under test: a fresh PostgreSQL database, a Redis prefix of its own, the
 * Cloud API simulator, and real `serve` / `worker` processes started on demand and all killed
 * at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, adminClient, apiClient, serviceEnv } from './harness.js';
import { startServiceProcess, type ServiceProcess } from './process.js';
import { REDIS_URL, createTestDatabase, testRedisPrefix, type TestDatabase } from './services.js';

export interface ScaledWorld {
  database: TestDatabase;
  simulator: Simulator;
  /** The environment every process of this deployment shares (plus `extra`). */
  env(extra?: Record<string, string>): Record<string, string>;
  start(command: string[], env: Record<string, string>): Promise<ServiceProcess>;
  /** `serves` serve processes (the first receives the simulator's webhooks) and `workers` workers. */
  cluster(options: { serves: number; workers: number; env: Record<string, string> }): Promise<{ serves: ServiceProcess[]; workers: ServiceProcess[] }>;
  /** A tenant with one Active flow, created through a serve process's API. */
  tenant(serveUrl: string, flow: { trigger: string; definition: unknown }): Promise<{ apiKey: string }>;
  close(): Promise<void>;
}

export async function startScaledWorld(options: { redisUrl?: string; statusDelayMs?: number } = {}): Promise<ScaledWorld> {
  const database = await createTestDatabase();
  const simulator = await startSimulator({
    appSecret: APP_SECRET,
    phoneNumbers: { [PHONE_NUMBER_ID]: { accessToken: ACCESS_TOKEN } },
    ...(options.statusDelayMs !== undefined && { statusDelayMs: options.statusDelayMs }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-scaled-'));
  const prefix = testRedisPrefix();
  const processes: ServiceProcess[] = [];

  const world: ScaledWorld = {
    database,
    simulator,
    env: (extra = {}) => ({
      ...serviceEnv(dataDir, simulator.url),
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl ?? REDIS_URL,
      REDIS_PREFIX: prefix,
      ...extra,
    }),
    async start(command, env) {
      const process = await startServiceProcess(command, env);
      processes.push(process);
      return process;
    },
    async cluster({ serves, workers, env }) {
      const started = await Promise.all([
        ...Array.from({ length: serves }, () => world.start(['serve', '--no-worker'], env)),
        ...Array.from({ length: workers }, () => world.start(['worker'], env)),
      ]);
      simulator.setWebhookUrl(`${started[0]!.url}/webhooks/whatsapp`);
      return { serves: started.slice(0, serves), workers: started.slice(serves) };
    },
    async tenant(serveUrl, flow) {
      const admin = adminClient(apiClient(serveUrl));
      const { apiKey } = await admin.createUser();
      await admin.createFlow(apiKey, flow);
      return { apiKey };
    },
    async close() {
      await Promise.all(processes.map((process) => process.stop('SIGKILL')));
      await simulator.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}
