/**
 * Meta's rate-limit answers (reference §6, §7): 131056 (pair rate: this recipient too fast) and
 * 130429 (throughput of the number). Meta asks to wait and retry: the sender waits as long as the
 * limit needs, for that recipient or for the whole number, and counts no attempt, so a message is
 * never failed for them. One attempt is allowed here: any counted one would fail the message.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUMBER_PAUSE_MS } from '../../src/outbox/sender.js';
import { echoFlow } from '../fixtures/flows.js';
import { PHONE_NUMBER_ID, eventually, queryRows, startHarness, type Harness } from '../support/harness.js';

const PAIR_INTERVAL_MS = 1_500;

let h: Harness;
let phones = 0;

beforeAll(async () => {
  h = await startHarness({ env: { SEND_MAX_ATTEMPTS: '1', SEND_PAIR_INTERVAL_MS: String(PAIR_INTERVAL_MS), SEND_PAIR_BURST: '5' } });
  const { apiKey } = await h.createUser();
  await h.createFlow(apiKey, { trigger: 'default', definition: echoFlow('echo {{input}}') });
});
afterAll(() => h.close());

/** Sent, and maybe further already: the simulator's status webhooks follow the send quickly. */
const DELIVERED_OR_ON_ITS_WAY = ['Sent', 'Delivered', 'Read'];

const newPhone = () => `1555943${String(++phones).padStart(4, '0')}`;
const graphFault = (code: number, count = 1) => h.simulator.setFaults({ failNext: { count, failure: { kind: 'graph', code } } });

/** The reply to `phone` once it is settled, and the time the simulator accepted it. */
async function settledReply(phone: string): Promise<{ status: string; error: string | null; acceptedAt: number | null }> {
  const [row] = await eventually(async () => {
    const rows = await queryRows<{ status: string; error: string | null }>(
      h,
      sql`select m.status, m.error from "Message" m join "Contact" c on c.id = m."contactId"
          where c.phone = ${phone} and m.direction = 'outbound'`,
    );
    return rows.length === 1 && rows[0]!.status !== 'Pending' ? rows : null;
  }, 20_000);
  const accepted = h.simulator.sent.filter((message) => message.to === phone);
  expect(accepted.length, 'sent once').toBeLessThanOrEqual(1);
  return { ...row!, acceptedAt: accepted[0]?.time ?? null };
}

/** The reply's outbox row once a rate-limit answer deferred it. */
const deferredRow = (phone: string) =>
  eventually(async () => {
    const [row] = await queryRows<{ attempts: number; lastError: string | null }>(
      h,
      sql`select o.attempts, o.last_error as "lastError" from outbox o join "Contact" c on c.id = o.contact_id where c.phone = ${phone}`,
    );
    return row?.lastError ? row : null;
  });

describe('rate-limit answers', () => {
  it.each([131056, 130429])('%i uses up no attempt: answered twice, the message is still sent', async (code) => {
    const phone = newPhone();
    graphFault(code, 2);
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hi' });
    const reply = await settledReply(phone);
    expect(reply.error, JSON.stringify(reply)).toBeNull();
    expect(DELIVERED_OR_ON_ITS_WAY).toContain(reply.status);
  });

  it('131056 holds that recipient for the pair interval', async () => {
    const phone = newPhone();
    const faultAt = Date.now();
    graphFault(131056);
    await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: 'hi' });
    expect(await deferredRow(phone)).toMatchObject({ attempts: 0, lastError: expect.stringMatching(/too many messages to this user/) });
    const reply = await settledReply(phone);
    expect(DELIVERED_OR_ON_ITS_WAY).toContain(reply.status);
    expect(reply.acceptedAt! - faultAt).toBeGreaterThanOrEqual(PAIR_INTERVAL_MS);
  });

  it("130429 pauses the whole number: another contact's reply waits too", async () => {
    const [limited, other] = [newPhone(), newPhone()];
    const faultAt = Date.now();
    graphFault(130429);
    await h.simulator.userSends(PHONE_NUMBER_ID, limited, { type: 'text', body: 'hi' });
    expect(await deferredRow(limited)).toMatchObject({ attempts: 0, lastError: expect.stringMatching(/throughput/) });
    await h.simulator.userSends(PHONE_NUMBER_ID, other, { type: 'text', body: 'hi' });
    const replies = [await settledReply(limited), await settledReply(other)];
    for (const reply of replies) {
      expect(DELIVERED_OR_ON_ITS_WAY).toContain(reply.status);
      expect(reply.acceptedAt! - faultAt).toBeGreaterThanOrEqual(NUMBER_PAUSE_MS);
    }
  });
});
