/** What the service's inbox holds, read over SQL (tests look, never write). */
import { sql } from 'drizzle-orm';
import { queryCount, queryRows, type Harness } from '../../support/harness.js';

const asJsonArray = (values: readonly string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/** State of each stored inbox event, by dedupe key. */
export async function inboxStates(h: Harness, dedupeKeys: readonly string[]): Promise<Map<string, string>> {
  if (dedupeKeys.length === 0) return new Map();
  const rows = await queryRows<{ dedupe_key: string; state: string }>(
    h,
    sql`select dedupe_key, state from inbound_events where dedupe_key in ${asJsonArray(dedupeKeys)}`,
  );
  return new Map(rows.map((row) => [row.dedupe_key, row.state]));
}

/** Inbound Message rows recorded for these wamids. */
export function inboundMessagesFor(h: Harness, wamids: readonly string[]): Promise<number> {
  return queryCount(h, sql`select count(*)::int as n from "Message" where direction = 'inbound' and "waMessageId" in ${asJsonArray(wamids)}`);
}

export async function countByState(h: Harness): Promise<Record<string, number>> {
  const rows = await queryRows<{ state: string; n: number }>(h, sql`select state, count(*)::int as n from inbound_events group by state`);
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}

/** Events set aside as failed, with why and the start of what they held: a failure names its input. */
export function failedEvents(h: Harness): Promise<Array<{ kind: string; reason: string | null; payload: string }>> {
  return queryRows(h, sql`select kind, reason, left(payload::text, 500) as payload from inbound_events where state = 'failed' order by id`);
}
