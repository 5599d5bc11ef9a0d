/**
 * Opens the database chosen by the config — PGlite in DATA_DIR (embedded) or a PostgreSQL
 * server through a pg pool — and applies the migrations. The rest of the code sees one `Db` type.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { DatabaseTarget } from '../config/index.js';
import { lockDataDir } from './lock.js';
import * as schema from './schema.js';
import { takingTurns } from './turns.js';

export type Schema = typeof schema;
/** The database or a transaction on it: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  /**
   * For the webhook path (inbox writes, tenant lookups): a webhook never waits behind the worker's
   * transactions (Meta waits for our 200). On PostgreSQL its own small pool; on the embedded
   * database the one connection, reached ahead of the turns `db` takes (`turns.ts`).
   */
  inboxDb: Db;
  kind: DatabaseTarget['kind'];
  /** Human-readable location, for logs (no credentials). */
  describe: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Same folder from src/db (tests) and dist/db (built): both sit two levels below the root. */
const migrationsFolder = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));

/** Connections reserved for inbox writes: group commit keeps at most two INSERTs in flight. */
const INBOX_POOL_SIZE = 2;

/** Serialises concurrent migrators (several processes starting at once on one server). */
const MIGRATION_LOCK_ID = 0x7761666c; // "wafl"

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'embedded' ? openEmbedded(target.dataDir) : openPostgres(target.url, target.poolSize);
}

async function openEmbedded(dataDir: string): Promise<Database> {
  const lock = lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { withClientParsers } = await import('./pglite-parsers.js');
    type PGliteClient = InstanceType<typeof PGlite>;
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create({ dataDir: join(dataDir, 'pgdata'), relaxedDurability: true });
    // The driver calls only query() and transaction(), and the hot-path statements runPrepared():
    // the calls these wrappers pass on.
    const direct = withClientParsers(client);
    const inboxDb = drizzle({ client: direct as unknown as PGliteClient, schema });
    await migrate(inboxDb, { migrationsFolder });
    return {
      db: drizzle({ client: takingTurns(direct) as unknown as PGliteClient, schema }),
      inboxDb,
      kind: 'embedded',
      describe: `embedded PGlite in ${join(dataDir, 'pgdata')}`,
      ping: async () => {
        await client.query('select 1');
      },
      close: async () => {
        try {
          await client.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const inboxPool = new pg.Pool({ connectionString: url, max: INBOX_POOL_SIZE });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  inboxPool.on('error', () => {});
  const db = drizzle(pool, { schema });
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
      await migrate(tx as unknown as typeof db, { migrationsFolder });
    });
  } catch (error) {
    await Promise.all([pool.end(), inboxPool.end()]);
    throw error;
  }
  const where = new URL(url);
  return {
    db,
    inboxDb: drizzle(inboxPool, { schema }),
    kind: 'postgres',
    describe: `PostgreSQL at ${where.hostname}:${where.port || 5432}${where.pathname}`,
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await Promise.all([pool.end(), inboxPool.end()]);
    },
  };
}
