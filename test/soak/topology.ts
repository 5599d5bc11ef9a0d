/**
 * The processes of a soak and their shared state. Embedded: one `serve` process on PGlite in a
 * data folder. Scaled: `serve --no-worker` and `worker` processes on the machine's PostgreSQL
 * and Redis. Any process can be killed with -9 and restarted; at each kill the sends the process
 * had in flight (outbox rows it held a lease on) are counted: the documented bound on duplicates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { serviceEnv } from '../support/harness.js';
import { startServiceProcess, type ServiceProcess } from '../support/process.js';
import { REDIS_URL, createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/services.js';

export type SoakMode = 'embedded' | 'scaled';

export interface TopologyOptions {
  mode: SoakMode;
  simulatorUrl: string;
  /** Scaled mode: serve and worker processes. */
  serves?: number;
  workers?: number;
}

export interface Slot {
  name: string;
  command: string[];
  takesWebhooks: boolean;
  process: ServiceProcess | null;
  /** Where it listened last: a dead process's address keeps getting traffic, as behind a balancer. */
  lastUrl: string | null;
  /** What its processes wrote, newest last (for failure messages). */
  output: string;
}

export interface KillRecord {
  slot: string;
  pid: number;
  /** Outbox rows the process held a lease on when it died: sends that may be repeated. */
  inFlightSends: number;
}

/** Settings that let a short soak see kills, lease expiries and sweeps within seconds. */
const SOAK_ENV = {
  GRAPH_TIMEOUT_MS: '2000',
  SWEEP_INTERVAL_MS: '1000',
  SEND_RATE_PER_NUMBER: '2000',
  SEND_PAIR_BURST: '1000000',
  WORKER_CONCURRENCY: '16',
  DATABASE_POOL_SIZE: '6',
  SHUTDOWN_TIMEOUT_MS: '10000',
  LOG_LEVEL: 'warn',
};

export class Topology {
  readonly slots: Slot[];

  private constructor(
    readonly mode: SoakMode,
    private readonly env: Record<string, string>,
    private readonly dataDir: string,
    private readonly postgres: { test: TestDatabase; database: Database } | null,
  ) {
    this.slots =
      mode === 'embedded'
        ? [{ name: 'serve', command: ['serve'], takesWebhooks: true, process: null, lastUrl: null, output: '' }]
        : [];
  }

  static async create(options: TopologyOptions): Promise<Topology> {
    const dataDir = mkdtempSync(join(tmpdir(), `waflow-soak-${options.mode}-`));
    const env = { ...serviceEnv(dataDir, options.simulatorUrl), ...SOAK_ENV };
    if (options.mode === 'embedded') return new Topology('embedded', env, dataDir, null);
    const test = await createTestDatabase();
    const database = await openDatabase({ kind: 'postgres', url: test.url, poolSize: 2 });
    const topology = new Topology('scaled', { ...env, DATABASE_URL: test.url, REDIS_URL, REDIS_PREFIX: testRedisPrefix() }, dataDir, { test, database });
    for (let i = 1; i <= (options.serves ?? 2); i++) topology.slots.push({ name: `serve-${i}`, command: ['serve', '--no-worker'], takesWebhooks: true, process: null, lastUrl: null, output: '' });
    for (let i = 1; i <= (options.workers ?? 2); i++) topology.slots.push({ name: `worker-${i}`, command: ['worker'], takesWebhooks: false, process: null, lastUrl: null, output: '' });
    return topology;
  }

  async startAll(): Promise<void> {
    // One first, so migrations run once before the others connect.
    const [first, ...others] = this.slots.filter((slot) => slot.process === null);
    if (first) await this.restart(first);
    await Promise.all(others.map((slot) => this.restart(slot)));
  }

  async restart(slot: Slot): Promise<void> {
    slot.process = await startServiceProcess(slot.command, this.env);
    slot.lastUrl = slot.process.url;
  }

  /** The end of every process's output, for a failure message. */
  diagnostics(): string {
    return this.slots.map((slot) => `--- ${slot.name}\n${(slot.output + (slot.process?.output() ?? '')).slice(-3_000)}`).join('\n');
  }

  /** Where webhooks go: every process that takes them, dead ones included (their posts fail and are retried). */
  ingressUrls(): string[] {
    return this.slots.flatMap((slot) => (slot.takesWebhooks && slot.lastUrl ? [slot.lastUrl] : []));
  }

  /** A live process that serves the API. */
  apiUrl(): string {
    const live = this.slots.find((slot) => slot.takesWebhooks && slot.process);
    if (!live?.process) throw new Error('no serve process is running');
    return live.process.url;
  }

  liveSlots(): Slot[] {
    return this.slots.filter((slot) => slot.process !== null);
  }

  async kill(slot: Slot): Promise<KillRecord> {
    const running = slot.process;
    if (!running) throw new Error(`${slot.name} is not running`);
    const pid = running.child.pid ?? -1;
    await running.stop('SIGKILL');
    slot.output += running.output();
    slot.process = null;
    // A dead process's leases stay until they expire (GRAPH_TIMEOUT_MS × 2 + 5 s): count them now.
    const inFlightSends = await this.query(async (db) => {
      const result = (await db.execute(
        sql`select count(*)::int as n from outbox where lease_until is not null and lease_owner like ${`%:${pid}:%`}`,
      )) as unknown as { rows: Array<{ n: number }> };
      return Number(result.rows[0]?.n ?? 0);
    });
    return { slot: slot.name, pid, inFlightSends };
  }

  /**
   * Runs read-only queries. The embedded database can only be opened while no process holds
   * it, so there this is for moments when every process is stopped.
   */
  async query<T>(read: (db: Db) => Promise<T>): Promise<T> {
    if (this.postgres) return read(this.postgres.database.db);
    const database = await openDatabase({ kind: 'embedded', dataDir: this.dataDir });
    try {
      return await read(database.db);
    } finally {
      await database.close();
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.liveSlots().map(async (slot) => {
        await slot.process!.stop('SIGTERM');
        slot.process = null;
      }),
    );
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.liveSlots().map((slot) => slot.process!.stop('SIGKILL')));
    if (this.postgres) {
      await this.postgres.database.close();
      await this.postgres.test.drop();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
