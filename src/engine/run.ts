/**
 * The working state of one step: a private copy of the variables, the effects queued so far and
 * the regex work its conditions may still do.
 * Handlers write into it; `step` turns it into the new EngineState and the effect list.
 */
import { MAX_VARIABLE_LENGTH } from '../flows/constants.js';
import type { FlowDefinition } from '../flows/definition.js';
import type { FlowGraph } from '../flows/graph.js';
import { interpolate } from '../flows/interpolate.js';
import { cut } from './fit.js';
import type { NodeRun } from './node-handler.js';
import { REGEX_WORK_PER_STEP } from './rules.js';
import type { Effect, StepContext, Variables } from './types.js';

export interface StepRun extends NodeRun {
  attempts: number;
  readonly variables: Variables;
  readonly effects: Effect[];
}

/** What the step heard from the user: see NodeRun's `input` and `inboundWamid`. */
export type Heard = Pick<NodeRun, 'input' | 'inboundWamid'>;

export function createRun(
  definition: FlowDefinition,
  graph: FlowGraph,
  context: StepContext,
  variables: Variables,
  { input, inboundWamid }: Heard,
): StepRun {
  const own: Variables = {};
  for (const [name, value] of Object.entries(variables)) define(own, name, value);
  const effects: Effect[] = [];
  let regexWorkLeft = REGEX_WORK_PER_STEP;
  return {
    definition,
    now: context.now,
    contact: context.contact,
    input,
    inboundWamid,
    attempts: 0,
    variables: own,
    effects,
    variable: (name) => (Object.hasOwn(own, name) ? own[name] : undefined),
    interpolate: (text, options) => interpolate(text, { variables: own, contact: context.contact, input }, options),
    setVariable: (name, value) => define(own, name, cut(value, MAX_VARIABLE_LENGTH)),
    unsetVariable: (name) => {
      delete own[name];
    },
    send: (message) => effects.push({ kind: 'send', message }),
    request: (nodeId, request) => effects.push({ kind: 'http', nodeId, request }),
    hasEdge: (nodeId, handle) => graph.edgeFrom(nodeId, handle) !== undefined,
    spendRegexWork: (cost) => {
      if (cost > regexWorkLeft) return false;
      regexWorkLeft -= cost;
      return true;
    },
  };
}

/** An own property even for names like `__proto__`, which plain assignment would swallow. */
function define(variables: Variables, name: string, value: string): void {
  Object.defineProperty(variables, name, { value, enumerable: true, writable: true, configurable: true });
}
