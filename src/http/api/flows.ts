/**
 * Flows of the calling user. A definition sent is validated (400 with the problems, node ids
 * included) and linted; a flow with lint errors, or a stored definition that is invalid, can be
 * kept as a draft (or Inactive) but not be Active. Saving a new definition bumps the version;
 * running sessions stay on theirs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FLOW_STATUSES, deleteFlow, findFlow, insertFlow, listFlowIds, listFlows, updateFlow, type FlowRow } from '../../db/repositories/flows.js';
import { parseDefinition } from '../../flows/definition.js';
import { lintDefinition, type LintReport } from '../../flows/lint.js';
import { HttpError, notFound, parseWith } from '../errors.js';
import type { ApiDeps } from './deps.js';

/** Checked by parseDefinition and the linter, which report node by node (not by zod here). */
export const definitionField = z.unknown();

const flowFields = {
  name: z.string().trim().min(1).max(200),
  trigger: z.string().trim().min(1).max(200),
  status: z.enum(FLOW_STATUSES),
  definition: definitionField,
};
/** A new flow is a Draft unless it says otherwise; an update changes only what it names. */
export const flowBody = z.strictObject({ ...flowFields, status: flowFields.status.default('Draft') });
export const flowUpdateBody = z.strictObject(flowFields).partial();

/** `knownFlowIds`: the caller's flows, so a `goto` to a flow that does not exist is an error. */
function checkedDefinition(input: unknown, knownFlowIds: readonly string[]): { definition: unknown; lint: LintReport } {
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new HttpError(400, 'invalid_definition', 'the flow definition is invalid', parsed.issues);
  return { definition: parsed.definition, lint: lintDefinition(parsed.definition, { knownFlowIds }) };
}

/** The lint of a stored definition, none for one that is invalid (the flow-builder app writes them unchecked). */
function storedLint(definition: unknown, knownFlowIds: readonly string[]): LintReport | undefined {
  const parsed = parseDefinition(definition);
  return parsed.ok ? lintDefinition(parsed.definition, { knownFlowIds }) : undefined;
}

function refuseActiveWithErrors(status: string | undefined, lint: LintReport): void {
  if (status === 'Active' && lint.errors.length > 0) {
    throw new HttpError(400, 'lint_failed', 'a flow with lint errors cannot be Active', lint.errors);
  }
}

function flowView(flow: FlowRow, lint?: LintReport) {
  return { ...flow, ...(lint && { lint }) };
}

export async function flowRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post('/flows', async (request, reply) => {
    const userId = await deps.auth.user(request);
    const body = parseWith(flowBody, request.body);
    const { definition, lint } = checkedDefinition(body.definition, await listFlowIds(deps.db, userId));
    refuseActiveWithErrors(body.status, lint);
    const flow = await insertFlow(deps.db, userId, { ...body, definition });
    return reply.status(201).send(flowView(flow, lint));
  });

  app.get('/flows', async (request) => {
    const userId = await deps.auth.user(request);
    return { flows: (await listFlows(deps.db, userId)).map((flow) => flowView(flow)) };
  });

  app.get('/flows/:id', async (request) => {
    const userId = await deps.auth.user(request);
    const flow = await findFlow(deps.db, userId, (request.params as { id: string }).id);
    if (!flow) throw notFound('flow');
    return flowView(flow, storedLint(flow.definition, await listFlowIds(deps.db, userId)));
  });

  const update = async (request: FastifyRequest) => {
    const userId = await deps.auth.user(request);
    const id = (request.params as { id: string }).id;
    const body = parseWith(flowUpdateBody, request.body);
    // Read before updateFlow's transaction: the embedded database runs one at a time.
    const knownFlowIds = await listFlowIds(deps.db, userId);
    const replacement = body.definition === undefined ? undefined : checkedDefinition(body.definition, knownFlowIds);
    let lint: LintReport | undefined;
    // On the row as updated, so a concurrent update of the flow cannot slip past the check. A
    // stored definition is checked only for a flow that ends up Active: an invalid one can still
    // be renamed or deactivated.
    const verify = (row: FlowRow) => {
      if (row.status !== 'Active') {
        lint = replacement?.lint ?? storedLint(row.definition, knownFlowIds);
        return;
      }
      const checked = replacement ?? checkedDefinition(row.definition, knownFlowIds);
      refuseActiveWithErrors(row.status, checked.lint);
      lint = checked.lint;
    };
    const flow = await updateFlow(deps.db, userId, id, { ...body, ...(replacement && { definition: replacement.definition }) }, verify);
    if (!flow) throw notFound('flow');
    return flowView(flow, lint);
  };
  app.put('/flows/:id', update);
  app.patch('/flows/:id', update);

  app.delete('/flows/:id', async (request, reply) => {
    const userId = await deps.auth.user(request);
    if (!(await deleteFlow(deps.db, userId, (request.params as { id: string }).id))) throw notFound('flow');
    return reply.status(204).send();
  });
}
