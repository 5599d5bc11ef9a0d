/**
 * CPU to build each hot-path statement and decode its answer, without a database: the
 * repositories run against a driver that answers every query with no rows at once, so what is
 * timed is waflow's and drizzle's work per call, nothing else. Regressions here are per-message
 * CPU on every deployment.
 *
 *   npx tsx bench/query-build.ts [--calls 20000] [--out file.jsonl]
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db } from '../src/db/client.js';
import { upsertContact } from '../src/db/repositories/contacts.js';
import { settleWithEvents } from '../src/db/repositories/events.js';
import { activeFlowCandidates } from '../src/db/repositories/flows.js';
import { insertInboundEvents, lockKey, nextPendingEvents, type NewInboundEvent } from '../src/db/repositories/inbox.js';
import { insertMessages, type NewMessage } from '../src/db/repositories/messages.js';
import { claimHead } from '../src/db/repositories/outbox.js';
import { startSession } from '../src/db/repositories/sessions.js';
import * as schema from '../src/db/schema.js';
import type { NewRealtimeEvent } from '../src/realtime/events.js';
import { parseBenchArgs, positive } from './lib/args.js';
import { command, machine, printResult, type Row } from './lib/report.js';
import { round } from './lib/stats.js';

// The common options are accepted for uniformity; only --out applies (no server, no store).
const { common, values } = parseBenchArgs({ calls: { type: 'string', default: '20000' } });
const calls = positive('calls', values.calls);

const silentDriver = { query: async () => ({ rows: [], fields: [], rowCount: 0 }) };
const db = drizzle(silentDriver as never, { schema }) as unknown as Db;
const now = new Date();
const status = (seq: number): NewInboundEvent => ({
  dedupeKey: `status:${seq}`,
  kind: 'status',
  phoneNumberId: '900100200',
  contactKey: '15550001',
  wamid: `wamid.${seq}`,
  occurredAt: now,
  payload: { status: 'delivered', recipient_id: '15550001', conversation: { id: 'c1' } },
  state: 'pending',
});
const message = (direction: string): NewMessage => ({ direction, content: 'hello', payload: { text: { body: 'hello' } }, contactId: 'c1', userId: 'u1', sessionId: 's1' });
const realtime = (type: string): NewRealtimeEvent => ({ userId: 'u1', contactId: 'c1', type, payload: { id: 'm1' } }) as NewRealtimeEvent;

/** The statements of one inbound message's path, as the worker, sender and ingest run them. */
const cases: Record<string, () => Promise<unknown>> = {
  'inbox insert, 3 rows': () => insertInboundEvents(db, [status(1), status(2), status(3)]),
  'conversation lock': () => lockKey(db, 'conversation:900100200|15550001'),
  'next pending events': () => nextPendingEvents(db, '900100200', '15550001', 2),
  'contact upsert with its live session': () => upsertContact(db, 'u1', { phone: '15550001', waUserId: null, name: 'Ana' }, now, ['Active', 'Paused', 'Handoff']).catch(() => null),
  'active flows': () => activeFlowCandidates(db, 'u1'),
  'session start': () => startSession(db, 'c1', 'f1', 1, { status: 'Completed', currentNodeId: null, context: { variables: {} }, nextTimerAt: null }).catch(() => null),
  'messages insert, 2 rows': () => insertMessages(db, [message('inbound'), message('outbound')]),
  'settle with 2 events': () => settleWithEvents(db, { id: 1, state: 'done', reason: null, at: now }, [realtime('message:new'), realtime('session:updated')]),
  'outbox head claim': () => claimHead(db, 'c1', 'worker:1', now, now),
};

const rows: Row[] = [];
for (const [statement, run] of Object.entries(cases)) {
  for (let i = 0; i < calls / 10; i++) await run();
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) await run();
  const used = process.cpuUsage(started);
  rows.push({ statement, calls, cpuUsPerCall: round((used.user + used.system) / calls, 1) });
}
printResult({ bench: 'query-build', machine: machine(), command: command(), server: 'none (repositories against a silent driver)', rows }, { out: common.out });
