import { and, desc, eq, inArray, lte, ne } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { contacts, flows, sessions, users } from '../schema.js';
import { rowReader, selectList, statement } from '../statement.js';
import { CANDIDATE_COLUMNS, type FlowCandidate } from './flows.js';

export type SessionRow = typeof sessions.$inferSelect;

/** The stored form of a session's engine state (Session.status/currentNodeId/context/nextTimerAt). */
export interface SessionState {
  status: string;
  currentNodeId: string | null;
  context: unknown;
  nextTimerAt: Date | null;
}

const readSession = rowReader(sessions);
const jsonParam = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

const flowOfSession = { ...CANDIDATE_COLUMNS, from: 'f', prefix: 'flow.' } as const;
const readFlowOfSession = rowReader(flows, flowOfSession);

/** A contact's live session, with what is needed to load its flow. */
export interface LiveSession {
  session: SessionRow;
  flow: FlowCandidate;
}

/**
 * SQL for the contact's most recently active live session with its flow: `contactId` and
 * `statuses` (a text array) are SQL expressions. Read its row with `readLiveSession`.
 */
export const latestLiveSessionSql = (contactId: string, statuses: string): string =>
  `select ${selectList(sessions, { from: 's' })}, ${selectList(flows, flowOfSession)}
   from "Session" s inner join "Flow" f on f."id" = s."flowId"
   where s."contactId" = ${contactId} and s."status" = any(${statuses}::text[])
   order by s."updatedAt" desc limit 1`;

/** Undefined when the row's session columns are null (no live session, through an outer join). */
export const readLiveSession = (row: Record<string, unknown>): LiveSession | undefined =>
  row.id === null || row.id === undefined ? undefined : { session: readSession(row), flow: readFlowOfSession(row) };

const upsertSession = statement(
  'session_start',
  `insert into "Session" ("id", "contactId", "flowId", "createdAt", "updatedAt", "status", "currentNodeId", "context", "nextTimerAt", "flowVersion")
   values ($1, $2, $3, $4, $4, $5, $6, $7::jsonb, $8, $9)
   on conflict ("contactId", "flowId") do update set
     "status" = excluded."status", "currentNodeId" = excluded."currentNodeId", "context" = excluded."context",
     "nextTimerAt" = excluded."nextTimerAt", "flowVersion" = excluded."flowVersion", "updatedAt" = excluded."updatedAt"
   returning ${selectList(sessions)}`,
);

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
  const now = new Date().toISOString();
  const [row] = await upsertSession(db, [
    newId(),
    contactId,
    flowId,
    now,
    state.status,
    state.currentNodeId,
    jsonParam(state.context),
    state.nextTimerAt?.toISOString() ?? null,
    flowVersion,
  ]);
  return readSession(row!);
}

export async function saveSessionState(db: Db, id: string, state: SessionState): Promise<void> {
  await db.update(sessions).set({ ...state, updatedAt: new Date() }).where(eq(sessions.id, id));
}

export async function setSessionStatus(db: Db, id: string, status: string): Promise<void> {
  await db.update(sessions).set({ status, nextTimerAt: null, updatedAt: new Date() }).where(eq(sessions.id, id));
}

/**
 * The bot's session errors (one of its messages failed for good), unless an operator has taken
 * the conversation over meanwhile: a takeover outlives the bot's failures. Returns whether it did.
 */
export async function errorBotSession(db: Db, id: string): Promise<boolean> {
  const changed = await db
    .update(sessions)
    .set({ status: 'Errored', nextTimerAt: null, updatedAt: new Date() })
    .where(and(eq(sessions.id, id), ne(sessions.status, 'Handoff')))
    .returning({ id: sessions.id });
  return changed.length > 0;
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
  phoneNumberId: string | null;
  contactKey: string;
}

/**
 * Takes the timers due by `now` (oldest first) and clears their `nextTimerAt`, so each is
 * claimed once; rows another poller is claiming are skipped.
 */
export async function claimDueTimers(db: Db, now: Date, limit: number): Promise<DueTimer[]> {
  const due = await db
    .select({
      sessionId: sessions.id,
      dueAt: sessions.nextTimerAt,
      phoneNumberId: users.metaPhoneNumberId,
      contactKey: contacts.phone,
    })
    .from(sessions)
    .innerJoin(contacts, eq(contacts.id, sessions.contactId))
    .innerJoin(users, eq(users.id, contacts.userId))
    .where(lte(sessions.nextTimerAt, now))
    .orderBy(sessions.nextTimerAt)
    .limit(limit)
    .for('update', { of: sessions, skipLocked: true });
  if (due.length === 0) return [];
  await db
    .update(sessions)
    .set({ nextTimerAt: null })
    .where(inArray(sessions.id, due.map((row) => row.sessionId)));
  return due.flatMap((row) => (row.dueAt ? [{ ...row, dueAt: row.dueAt }] : []));
}

/** A session with its contact and flow, if it belongs to the user. */
export async function findSessionForUser(
  db: Db,
  sessionId: string,
  userId: string,
): Promise<{ session: SessionRow; contact: typeof contacts.$inferSelect; flow: FlowCandidate } | undefined> {
  const [row] = await db
    .select({
      session: sessions,
      contact: contacts,
      flow: { id: flows.id, trigger: flows.trigger, version: flows.version, updatedAt: flows.updatedAt },
    })
    .from(sessions)
    .innerJoin(contacts, eq(contacts.id, sessions.contactId))
    .innerJoin(flows, eq(flows.id, sessions.flowId))
    .where(and(eq(sessions.id, sessionId), eq(contacts.userId, userId)));
  return row;
}
