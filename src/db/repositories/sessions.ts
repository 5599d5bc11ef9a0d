import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts, flows, sessions } from '../schema.js';
import type { FlowCandidate } from './flows.js';

export type SessionRow = typeof sessions.$inferSelect;

/** The stored form of a session's engine state (Session.status/currentNodeId/context/nextTimerAt). */
export interface SessionState {
  status: string;
  currentNodeId: string | null;
  context: unknown;
  nextTimerAt: Date | null;
}

/** The contact's most recently active live session, with what is needed to load its flow. */
export async function findLatestLiveSession(
  db: Db,
  contactId: string,
  liveStatuses: readonly string[],
): Promise<{ session: SessionRow; flow: FlowCandidate } | undefined> {
  const [row] = await db
    .select({
      session: sessions,
      flow: { id: flows.id, trigger: flows.trigger, version: flows.version, updatedAt: flows.updatedAt },
    })
    .from(sessions)
    .innerJoin(flows, eq(flows.id, sessions.flowId))
    .where(and(eq(sessions.contactId, contactId), inArray(sessions.status, [...liveStatuses])))
    .orderBy(desc(sessions.updatedAt))
    .limit(1);
  return row;
}

/**
 * Start a session of `flowId` from the beginning. The (contactId, flowId) pair is unique, so an
 * earlier Completed/Errored/Expired session of the same flow is reset in place, never duplicated.
 */
export async function startSession(
  db: Db,
  contactId: string,
  flowId: string,
  flowVersion: number,
  state: SessionState,
): Promise<SessionRow> {
  const now = new Date();
  const values = { ...state, flowVersion, updatedAt: now };
  const [row] = await db
    .insert(sessions)
    .values({ id: newId(), contactId, flowId, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [sessions.contactId, sessions.flowId], set: values })
    .returning();
  return row!;
}

export async function saveSessionState(db: Db, id: string, state: SessionState): Promise<void> {
  await db.update(sessions).set({ ...state, updatedAt: new Date() }).where(eq(sessions.id, id));
}

export async function setSessionStatus(db: Db, id: string, status: string): Promise<void> {
  await db.update(sessions).set({ status, nextTimerAt: null, updatedAt: new Date() }).where(eq(sessions.id, id));
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

export async function listSessions(db: Db, userId: string, contactId: string | null): Promise<SessionRow[]> {
  const rows = await db
    .select({ session: sessions })
    .from(sessions)
    .innerJoin(flows, eq(flows.id, sessions.flowId))
    .where(and(eq(flows.userId, userId), contactId === null ? undefined : eq(sessions.contactId, contactId)))
    .orderBy(desc(sessions.updatedAt))
    .limit(500);
  return rows.map((row) => row.session);
}

export interface DueTimer {
  sessionId: string;
  dueAt: Date;
  contactId: string;
  phone: string;
  userId: string;
}

/** Sessions whose stored timer is due: the timer poller turns each into an inbox event. */
export async function dueTimers(db: Db, now: Date, limit: number): Promise<DueTimer[]> {
  return db
    .select({
      sessionId: sessions.id,
      dueAt: sql<Date>`${sessions.nextTimerAt}`.mapWith(sessions.nextTimerAt),
      contactId: sessions.contactId,
      phone: contacts.phone,
      userId: contacts.userId,
    })
    .from(sessions)
    .innerJoin(contacts, eq(contacts.id, sessions.contactId))
    .where(lte(sessions.nextTimerAt, now))
    .orderBy(sessions.nextTimerAt)
    .limit(limit);
}
