/**
 * Scaled mode with real processes on the real PostgreSQL and Redis: 2 `serve` and 3 `worker`
 * processes, hundreds of contacts sending bursts with redeliveries to both serve processes,
 * shuffled and repeated status webhooks, and a worker killed with -9 halfway. Afterwards every
 * contact's replies must be exactly its messages, in order; every reply Read; nothing pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { signatureHeader } from '../../src/whatsapp/signature.js';
import { echoFlow } from '../fixtures/flows.js';
import { APP_SECRET, eventually } from '../support/harness.js';
import { startScaledWorld, type ScaledWorld } from '../support/scaled.js';
import { scaledModeAvailable } from '../support/services.js';
import { textWebhook, wamid } from '../support/webhooks.js';

const CONTACTS = 200;
const ROUNDS = 10;
const KILL_AFTER_ROUND = 4;
const REDELIVERY_SHARE = 0.25;
const SENDER_CONCURRENCY = 16;

describe.skipIf(!scaledModeAvailable)('scaled mode: 2 serve + 3 worker processes', () => {
  let world: ScaledWorld;
  beforeAll(async () => {
    world = await startScaledWorld({ statusDelayMs: 5 });
  });
  afterAll(() => world.close());

  it('loses nothing, runs nothing twice and keeps per-contact order while a worker is killed', async () => {
    const { database, simulator } = world;
    const env = world.env({
      GRAPH_TIMEOUT_MS: '2000',
      SWEEP_INTERVAL_MS: '2000',
      SEND_RATE_PER_NUMBER: '2000',
      SEND_PAIR_BURST: '1000',
      DATABASE_POOL_SIZE: '8',
      SEND_CONCURRENCY: String(SENDER_CONCURRENCY),
    });
    const { serves, workers } = await world.cluster({ serves: 2, workers: 3, env });
    simulator.setFaults({ statusOrder: 'shuffled', duplicateStatusRate: 0.3 });
    await world.tenant(serves[1]!.url, { trigger: 'default', definition: echoFlow('{{input}}') });

    const phones = Array.from({ length: CONTACTS }, (_, i) => `1555700${String(i).padStart(4, '0')}`);
    const post = async (url: string, body: object) => {
      const raw = JSON.stringify(body);
      const response = await fetch(`${url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureHeader(APP_SECRET, raw) },
        body: raw,
      });
      return response.status;
    };

    let killed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A round is a burst: every contact's next message, in batches of 20, spread over both
      // serve processes, with a share of the batches delivered again to the other one.
      const batches = [];
      for (let start = 0; start < CONTACTS; start += 20) {
        batches.push(textWebhook(phones.slice(start, start + 20).map((from) => ({ from, wamid: wamid('cluster'), body: `r${round}` }))));
      }
      const deliveries = batches.flatMap((body, index) => {
        const target = serves[index % 2]!.url;
        const other = serves[(index + 1) % 2]!.url;
        return Math.random() < REDELIVERY_SHARE ? [post(target, body), post(other, body)] : [post(target, body)];
      });
      expect(new Set(await Promise.all(deliveries))).toEqual(new Set([200]));
      if (round === KILL_AFTER_ROUND) {
        expect(await workers[0]!.stop('SIGKILL')).toBeNull();
        killed += 1;
      }
    }

    const expected = Array.from({ length: ROUNDS }, (_, round) => `r${round}`);
    const repliesTo = (phone: string) => simulator.sent.filter((m) => m.to === phone).map((m) => (m.body.text as { body: string }).body);
    await eventually(() => phones.every((phone) => new Set(repliesTo(phone)).size === ROUNDS), 90_000).catch(async (error: unknown) => {
      // Seen once in about 30 runs, once under heavy load: say where the missing replies are.
      const missing = phones.filter((phone) => new Set(repliesTo(phone)).size !== ROUNDS);
      console.error('contacts missing replies', missing.length, missing.slice(0, 3).map((phone) => [phone, repliesTo(phone)]));
      console.error('state', JSON.stringify(await stateOf(database.url, missing[0]!)));
      throw error;
    });

    let duplicates = 0;
    for (const phone of phones) {
      const replies = repliesTo(phone);
      const distinct = replies.filter((reply, index) => replies.indexOf(reply) === index);
      expect(distinct, phone).toEqual(expected);
      duplicates += replies.length - distinct.length;
    }
    // Only sends in flight when their worker died may repeat (Meta accepted them, the worker died
    // before recording it): at most one per contact the worker was sending to.
    expect(duplicates).toBeLessThanOrEqual(killed * SENDER_CONCURRENCY);
    console.info(`scaled run: ${CONTACTS * ROUNDS} messages, ${killed} worker killed, ${duplicates} outbound repeated`);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await eventually(async () => {
        const { rows } = await client.query<{ status: string; n: number }>(
          `select status, count(*)::int as n from "Message" where direction = 'outbound' group by status`,
        );
        return rows.length === 1 && rows[0]!.status === 'Read' ? rows : null;
      }, 30_000);
      const inbound = await client.query<{ n: number }>(`select count(*)::int as n from "Message" where direction = 'inbound'`);
      expect(inbound.rows[0]!.n).toBe(CONTACTS * ROUNDS);
      // Late duplicate status webhooks may still be draining: pending must reach zero, failed stay zero.
      await eventually(async () => (await client.query(`select 1 from inbound_events where state = 'pending' limit 1`)).rowCount === 0, 20_000);
      const failed = await client.query(`select kind, reason from inbound_events where state = 'failed'`);
      expect(failed.rows).toEqual([]);
    } finally {
      await client.end();
    }
  }, 240_000);
});

/** What the database holds for a contact whose replies are missing: its messages, its queue, the inbox's backlog. */
async function stateOf(url: string, phone: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const query = async (text: string, params: unknown[] = []) => (await client.query(text, params)).rows;
    return {
      messages: await query(
        `select m.direction, m.content, m.status, m."createdAt" from "Message" m join "Contact" c on c.id = m."contactId" where c.phone = $1 order by m."createdAt"`,
        [phone],
      ),
      outbox: await query(
        `select o.id, o.lease_owner, o.lease_until, o.attempts, o.next_attempt_at, o.last_error, now() as now
         from outbox o join "Contact" c on c.id = o.contact_id where c.phone = $1 order by o.id`,
        [phone],
      ),
      inbox: await query(`select kind, state, count(*)::int as n from inbound_events where state in ('pending', 'failed') group by 1, 2`),
      pendingOfContact: await query(`select id, kind, state, reason, received_at from inbound_events where contact_key = $1 and state <> 'done'`, [phone]),
    };
  } finally {
    await client.end();
  }
}

