/**
 * Where the server under test keeps its data: a fresh temp DATA_DIR (embedded PGlite) or a fresh
 * PostgreSQL database created for the run and dropped after it. Also seeds stored history, so a
 * run can show how cost grows with table size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/client.js';

export type Mode = 'embedded' | 'postgres';
export const MODES: readonly Mode[] = ['embedded', 'postgres'];

export interface Store {
  mode: Mode;
  /** What the server needs in its environment to use this store. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

let created = 0;

/** `pgUrl` is the server to create the database on (no database name: we pick one). */
export async function createStore(mode: Mode, pgUrl: string): Promise<Store> {
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (mode === 'embedded') return { mode, env: { DATA_DIR: dataDir }, dispose: async () => removeDir() };

  // Only databases this process created are ever dropped: the name carries our pid and a counter.
  const name = `waflow_bench_${process.pid}_${++created}`;
  await adminQuery(pgUrl, `create database ${name}`);
  return {
    mode,
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl(pgUrl, name) },
    async dispose() {
      await adminQuery(pgUrl, `drop database if exists ${name} with (force)`);
      removeDir();
    },
  };
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface History {
  userId: string;
  flowId: string;
  phoneNumberId: string;
  /** Message rows (and as many done inbox events); contacts are a tenth of that. */
  messages: number;
}

const CHUNK = 100_000;

/**
 * Writes `messages` past Message rows, as many processed inbox events, a tenth as many contacts
 * and one completed session per contact, then ANALYZEs. The server must be stopped (an embedded
 * data folder has one user at a time). Returns the milliseconds it took.
 */
export async function seedHistory(store: Store, history: History): Promise<number> {
  const started = performance.now();
  const database = await openDatabase(loadConfig({ ...store.env, LOG_LEVEL: 'silent' }).database);
  const { db } = database;
  const contacts = Math.max(1, Math.floor(history.messages / 10));
  const { userId, flowId, phoneNumberId } = history;
  try {
    for (let from = 1; from <= contacts; from += CHUNK) {
      const to = Math.min(contacts, from + CHUNK - 1);
      await db.execute(sql`
        insert into "Contact" (id, phone, name, "userId", "lastInboundAt")
        select 'seed-c' || g, '1999' || lpad(g::text, 8, '0'), 'Seeded ' || g, ${userId}, now() - interval '2 days'
        from generate_series(${from}::int, ${to}::int) g`);
      await db.execute(sql`
        insert into "Session" (id, status, "currentNodeId", context, "contactId", "flowId", "flowVersion")
        select 'seed-s' || g, 'Completed', null, '{}'::jsonb, 'seed-c' || g, ${flowId}, 1
        from generate_series(${from}::int, ${to}::int) g`);
    }
    for (let from = 1; from <= history.messages; from += CHUNK) {
      const to = Math.min(history.messages, from + CHUNK - 1);
      await db.execute(sql`
        insert into "Message" (id, "waMessageId", direction, type, content, payload, status, "statusUpdatedAt",
                               "createdAt", "contactId", "userId", "sessionId")
        select 'seed-m' || g, 'wamid.seed' || g, case when g % 2 = 0 then 'inbound' else 'outbound' end, 'text',
               'seeded message ' || g,
               jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', 'seeded message ' || g)),
               'Read', now() - interval '1 day', now() - interval '2 days' + g * interval '1 ms',
               'seed-c' || (1 + g % ${contacts}), ${userId}, 'seed-s' || (1 + g % ${contacts})
        from generate_series(${from}::int, ${to}::int) g`);
      await db.execute(sql`
        insert into inbound_events (dedupe_key, kind, phone_number_id, contact_key, wamid, occurred_at, payload,
                                    state, received_at, processed_at)
        select 'msg:wamid.seed' || g, 'message', ${phoneNumberId}, '1999' || lpad((1 + g % ${contacts})::text, 8, '0'),
               'wamid.seed' || g, now() - interval '2 days', jsonb_build_object('wamid', 'wamid.seed' || g), 'done',
               now() - interval '2 days', now() - interval '2 days'
        from generate_series(${from}::int, ${to}::int) g`);
    }
    // A long-running server has statistics (autovacuum); a freshly seeded table does not.
    await db.execute(sql`analyze`);
  } finally {
    await database.close();
  }
  return performance.now() - started;
}
