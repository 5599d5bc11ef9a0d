/**
 * Engine state ⇄ Session row. Status and node live in their own columns (the seed's shape);
 * variables, retry count, the pending timer and the error reason live in `context`.
 * `nextTimerAt` is the scheduling index: set while a timer waits to be enqueued, cleared once
 * the timer poller has put it in the inbox.
 */
import { z } from 'zod';
import type { SessionRow, SessionState } from '../db/repositories/sessions.js';
import { SESSION_STATUSES, initialState, type EngineState } from '../engine/types.js';

const contextSchema = z.object({
  variables: z.record(z.string(), z.string()).catch({}),
  attempts: z.number().int().nonnegative().catch(0),
  timerAt: z.number().nullable().catch(null),
  error: z.string().nullable().catch(null),
  lastInput: z.string().nullable().catch(null),
});

export function toEngineState(row: Pick<SessionRow, 'status' | 'currentNodeId' | 'context'>): EngineState {
  const context = contextSchema.safeParse(row.context ?? {});
  const base = initialState();
  const status = SESSION_STATUSES.find((known) => known === row.status) ?? 'Errored';
  return {
    ...base,
    ...(context.success ? context.data : {}),
    status,
    currentNodeId: row.currentNodeId,
  };
}

export function toSessionState(state: EngineState): SessionState {
  const { status, currentNodeId, variables, attempts, timerAt, error, lastInput } = state;
  return {
    status,
    currentNodeId,
    context: { variables, attempts, timerAt, error, lastInput: lastInput ?? null },
    nextTimerAt: timerAt === null ? null : new Date(timerAt),
  };
}
