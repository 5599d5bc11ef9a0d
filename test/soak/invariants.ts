/**
 * What must hold after a soak, measured on the database and at the simulator:
 * - every acknowledged inbound message was processed (an inbound Message row), none lost;
 * - none processed twice (one inbound row per wamid, one reply per inbound message);
 * - each contact's replies reached the simulator in the order its messages were sent;
 * - nothing left pending or set aside as failed in the inbox;
 * - outbound duplicates at most the sends waflow could not know were accepted: those in flight
 *   in the processes killed, and those whose answer never reached it (it gave up waiting after
 *   GRAPH_TIMEOUT_MS, e.g. on a loaded machine, and retried as it must).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import type { SentMessage } from '../../src/simulator/index.js';
import type { LoadResult } from './driver.js';
import type { KillRecord } from './topology.js';

export interface SoakFigures {
  acknowledged: number;
  processed: number;
  lost: number;
  inboundDuplicates: number;
  /** Replies recorded beyond one per inbound message: a message whose flow step ran twice. */
  stepsRepeated: number;
  orderViolations: number;
  repliesMissing: number;
  outboundDuplicates: number;
  inFlightAtKills: number;
  /** Sends the simulator accepted but could not answer: the client had given up. */
  unansweredSends: number;
  inboxPending: number;
  inboxFailed: number;
}

async function rows<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export interface SimulatorRecord {
  sent: readonly SentMessage[];
  unanswered: readonly SentMessage[];
}

export async function measure(db: Db, load: LoadResult, simulator: SimulatorRecord, kills: readonly KillRecord[]): Promise<SoakFigures> {
  const { sent } = simulator;
  const inbound = await rows<{ phone: string; content: string }>(
    db,
    sql`select c.phone, m.content from "Message" m join "Contact" c on c.id = m."contactId" where m.direction = 'inbound'`,
  );
  const [outbound] = await rows<{ n: number }>(db, sql`select count(*)::int as n from "Message" where direction = 'outbound'`);
  const states = await rows<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from inbound_events group by state`);
  const inboxCount = (state: string) => Number(states.find((row) => row.state === state)?.n ?? 0);

  const acknowledged = [...load.acknowledged.values()].flat();
  const processedTexts = new Set(inbound.map((row) => row.content));
  const processed = acknowledged.filter((text) => processedTexts.has(text)).length;

  let orderViolations = 0;
  let repliesMissing = 0;
  let outboundDuplicates = 0;
  const repliesByPhone = new Map<string, string[]>();
  for (const message of sent) {
    const text = (message.body.text as { body?: string } | undefined)?.body ?? '';
    repliesByPhone.set(message.to, [...(repliesByPhone.get(message.to) ?? []), text]);
  }
  for (const [phone, texts] of load.acknowledged) {
    const replies = repliesByPhone.get(phone) ?? [];
    const firstOccurrences = replies.filter((text, index) => replies.indexOf(text) === index);
    outboundDuplicates += replies.length - firstOccurrences.length;
    repliesMissing += texts.filter((text) => !firstOccurrences.includes(text)).length;
    if (firstOccurrences.join('\n') !== texts.join('\n')) orderViolations += 1;
  }

  return {
    acknowledged: acknowledged.length,
    processed,
    lost: acknowledged.length - processed,
    inboundDuplicates: inbound.length - processedTexts.size,
    stepsRepeated: Number(outbound?.n ?? 0) - inbound.length,
    orderViolations,
    repliesMissing,
    outboundDuplicates,
    inFlightAtKills: kills.reduce((sum, kill) => sum + kill.inFlightSends, 0),
    unansweredSends: simulator.unanswered.length,
    inboxPending: inboxCount('pending'),
    inboxFailed: inboxCount('failed'),
  };
}

/** The invariants the figures must satisfy; an empty list means the soak passed. */
export function violations(figures: SoakFigures): string[] {
  const broken: string[] = [];
  if (figures.lost !== 0) broken.push(`${figures.lost} acknowledged messages lost`);
  if (figures.inboundDuplicates !== 0) broken.push(`${figures.inboundDuplicates} inbound messages stored twice`);
  if (figures.stepsRepeated !== 0) broken.push(`${figures.stepsRepeated} replies beyond one per message`);
  if (figures.orderViolations !== 0) broken.push(`${figures.orderViolations} contacts got replies out of order`);
  if (figures.repliesMissing !== 0) broken.push(`${figures.repliesMissing} replies never sent`);
  if (figures.inboxPending !== 0 || figures.inboxFailed !== 0) broken.push(`inbox left ${figures.inboxPending} pending, ${figures.inboxFailed} failed`);
  const inDoubt = figures.inFlightAtKills + figures.unansweredSends;
  if (figures.outboundDuplicates > inDoubt) {
    broken.push(
      `${figures.outboundDuplicates} outbound duplicates, more than the ${inDoubt} sends in doubt ` +
        `(${figures.inFlightAtKills} in flight at the kills, ${figures.unansweredSends} unanswered)`,
    );
  }
  return broken;
}
