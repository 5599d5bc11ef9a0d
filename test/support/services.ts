/**
 * The real PostgreSQL and Redis of the machine, for production-mode tests. Each test gets its
 * own database (created and dropped) and its own Redis prefix. When a server is not reachable
 * the tests that need it are skipped with a message saying which and how to start it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

export const postgresAvailable = await reachable(async () => {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  await client.end();
});

export const redisAvailable = await reachable(async () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
});

export const scaledModeAvailable = postgresAvailable && redisAvailable;

if (!scaledModeAvailable) {
  console.warn(
    `skipping production-mode tests: ${postgresAvailable ? '' : `PostgreSQL (${POSTGRES_ADMIN_URL}) `}` +
      `${redisAvailable ? '' : `Redis (${REDIS_URL}) `}not reachable — .ci/run starts both`,
  );
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the PostgreSQL server, dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `waflow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export function testRedisPrefix(): string {
  return `waflow-test-${randomBytes(6).toString('hex')}`;
}
