import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { flowVersions, flows } from '../schema.js';
import { rowReader, selectList, statement } from '../statement.js';

export type FlowRow = typeof flows.$inferSelect;
export const FLOW_STATUSES = ['Draft', 'Active', 'Inactive'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** What trigger choice needs of a flow: no definitions (they are cached per version). */
export interface FlowCandidate {
  id: string;
  trigger: string;
  version: number;
  updatedAt: Date;
}

export interface NewFlow {
  name: string;
  trigger: string;
  status: FlowStatus;
  definition: unknown;
}

export async function insertFlow(db: Db, userId: string, flow: NewFlow): Promise<FlowRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(flows)
      .values({ id: newId(), userId, name: flow.name, trigger: flow.trigger, status: flow.status, definition: flow.definition })
      .returning();
    await tx.insert(flowVersions).values({ flowId: row!.id, version: row!.version, definition: row!.definition });
    return row!;
  });
}

/**
 * Saving a new definition bumps the version and keeps the old one for sessions pinned to it. The
 * old one is taken from `Flow.definition` as it is now, the definition those sessions have been
 * running: the flow-builder app edits it in place without a version (so a flow it created has no
 * stored version at all, and one saved here may have changed since).
 *
 * `verify` sees the row as updated, before commit, and throws to roll the update back: a check
 * made on a row read earlier would miss a concurrent update of the same flow (on PostgreSQL this
 * UPDATE waits for that one's commit and returns the row with its changes). It must not query:
 * the embedded database runs one transaction at a time.
 */
export async function updateFlow(
  db: Db,
  userId: string,
  id: string,
  changes: Partial<NewFlow>,
  verify: (row: FlowRow) => void,
): Promise<FlowRow | undefined> {
  return db.transaction(async (tx) => {
    if (changes.definition !== undefined) {
      await tx.execute(sql`
        insert into flow_versions (flow_id, version, definition)
        select id, version, definition from "Flow" where id = ${id} and "userId" = ${userId}
        on conflict (flow_id, version) do update set definition = excluded.definition`);
    }
    const [row] = await tx
      .update(flows)
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.trigger !== undefined && { trigger: changes.trigger }),
        ...(changes.status !== undefined && { status: changes.status }),
        ...(changes.definition !== undefined && { definition: changes.definition, version: sql`${flows.version} + 1` }),
        updatedAt: new Date(),
      })
      .where(and(eq(flows.id, id), eq(flows.userId, userId)))
      .returning();
    if (!row) return undefined;
    verify(row);
    if (changes.definition !== undefined) {
      await tx.insert(flowVersions).values({ flowId: row.id, version: row.version, definition: row.definition });
    }
    return row;
  });
}

export async function findFlow(db: Db, userId: string, id: string): Promise<FlowRow | undefined> {
  const [row] = await db.select().from(flows).where(and(eq(flows.id, id), eq(flows.userId, userId)));
  return row;
}

export async function listFlows(db: Db, userId: string): Promise<FlowRow[]> {
  return db.select().from(flows).where(eq(flows.userId, userId)).orderBy(desc(flows.updatedAt));
}

export async function listFlowIds(db: Db, userId: string): Promise<string[]> {
  return (await db.select({ id: flows.id }).from(flows).where(eq(flows.userId, userId))).map((row) => row.id);
}

/** Sessions of the flow go with it; their messages stay, detached (sessionId set null). */
export async function deleteFlow(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(flows)
    .where(and(eq(flows.id, id), eq(flows.userId, userId)))
    .returning({ id: flows.id });
  return rows.length > 0;
}

/** The columns of a FlowCandidate, for statements that read one. */
export const CANDIDATE_COLUMNS = { keys: ['id', 'trigger', 'version', 'updatedAt'] } as const;
const readCandidate = rowReader(flows, CANDIDATE_COLUMNS);
const selectActiveCandidates = statement(
  'flow_active_candidates',
  `select ${selectList(flows, CANDIDATE_COLUMNS)} from "Flow" where "userId" = $1 and "status" = 'Active'`,
);

export async function activeFlowCandidates(db: Db, userId: string): Promise<FlowCandidate[]> {
  return (await selectActiveCandidates(db, [userId])).map(readCandidate);
}

export async function findFlowCandidate(db: Db, userId: string, id: string): Promise<FlowCandidate | undefined> {
  const [row] = await db
    .select({ id: flows.id, trigger: flows.trigger, version: flows.version, updatedAt: flows.updatedAt })
    .from(flows)
    .where(and(eq(flows.id, id), eq(flows.userId, userId)));
  return row;
}

export async function findFlowDefinition(db: Db, flowId: string): Promise<unknown> {
  const [row] = await db.select({ definition: flows.definition }).from(flows).where(eq(flows.id, flowId));
  return row?.definition;
}

export async function findFlowVersion(db: Db, flowId: string, version: number): Promise<unknown> {
  const [row] = await db
    .select({ definition: flowVersions.definition })
    .from(flowVersions)
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)));
  return row?.definition;
}
