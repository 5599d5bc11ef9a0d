/**
 * The engine: one input in, the new state and the effects to carry out. Pure: no I/O, no clock,
 * no randomness; the same arguments always give the same result.
 *
 * A step runs node after node until one waits (for a reply, a timer or an HTTP result) or the
 * session ends. Inputs that do not apply are ignored (the state comes back as it was, with no
 * effects): anything but `start` once the session has ended or is handed off, a timer that is
 * not the pending one, an HTTP result for a node the session no longer waits at.
 *
 * Decisions:
 * - A reply with text updates `{{input}}` even where it changes nothing else (during a delay,
 *   an HTTP wait); a message without text (media, location…), a reaction or a system notice
 *   leaves `{{input}}` as it was.
 * - A `message` for a session that never started (Active, no current node) starts it.
 * - A `reaction` node reacts only to the message that began its step; the wamid is not kept in
 *   the state, so a step a timer or an HTTP result began has nothing to react to.
 * - A session standing at a node that waits for nothing, or at a delay or request with no timer
 *   pending (its flow was edited under it), fails on the next input instead of absorbing
 *   messages until it expires.
 * - When a step fails, the messages it queued before the failure still go out (the user saw the
 *   flow get that far); except when the loop guard stops it: a runaway step's effects are
 *   dropped so a looping flow cannot flood the user.
 */
import { NEXT_HANDLE } from '../flows/constants.js';
import type { FlowDefinition, FlowNode } from '../flows/definition.js';
import { type FlowGraph, indexDefinition } from '../flows/graph.js';
import { isWaitingNode } from '../flows/handles.js';
import { handlerFor } from './nodes/index.js';
import { type NodeHandler, type ResumeTransition, type Stop, type Transition, complete, fail, stay } from './node-handler.js';
import { isReply } from './replies.js';
import { type Heard, type StepRun, createRun } from './run.js';
import type { EngineInput, EngineState, StepContext, StepResult } from './types.js';

export function step(definition: FlowDefinition, state: EngineState, input: EngineInput, context: StepContext): StepResult {
  const graph = indexDefinition(definition);
  const engine = { definition, graph, context };
  switch (input.kind) {
    case 'start':
      return begin(engine, state, { input: input.message?.text ?? null, inboundWamid: reactable(input) });
    case 'message': {
      const said = isReply(input.message) ? input.message.text : null;
      const inboundWamid = reactable(input);
      if (state.status === 'Active' && state.currentNodeId === null) return begin(engine, state, { input: said, inboundWamid });
      return resume(engine, state, { input: said ?? state.lastInput ?? null, inboundWamid }, (handler, node, run) =>
        stranded(handler, node, state) ?? (handler.onMessage ? handler.onMessage(node, run, input.message) : stay),
      );
    }
    case 'timer':
      if (state.timerAt === null || input.dueAt !== state.timerAt) return unchanged(state);
      return resume(engine, state, remembered(state), (handler, node, run) =>
        handler.onTimer ? handler.onTimer(node, run) : fail(`a timer fired at "${node.id}" (${node.type}), which does not wait`),
      );
    case 'httpResult':
      if (input.nodeId !== state.currentNodeId || (input.waitUntil !== null && input.waitUntil !== state.timerAt)) return unchanged(state);
      return resume(engine, state, remembered(state), (handler, node, run) =>
        stranded(handler, node, state) ?? (handler.onHttpResult ? handler.onHttpResult(node, run, input.result) : stay),
      );
  }
}

/**
 * Why the session cannot be waiting at this node, if it cannot; a node keeps waiting through
 * inputs it does not take (a message during a delay). Only a flow edited in place under the
 * session strands it: at a node that waits for nothing (a question turned into a message), or
 * at one that waits for time rather than a reply (a delay, a request's deadline) with no timer
 * pending, since its wait was never begun (a question with no timeout turned into a delay). It
 * fails, or every message would be absorbed there until the session expired.
 */
function stranded(handler: NodeHandler<FlowNode>, node: FlowNode, state: EngineState): Stop | null {
  const changed = 'the flow was changed under it';
  if (!(handler.onMessage ?? handler.onTimer ?? handler.onHttpResult)) {
    return fail(`the session waits at "${node.id}" (${node.type}), which does not wait: ${changed}`);
  }
  const waitsForTime = handler.onTimer !== undefined && !isWaitingNode(node);
  if (waitsForTime && state.timerAt === null) {
    return fail(`the session waits at "${node.id}" (${node.type}) with no timer pending, so nothing would move it on: ${changed}`);
  }
  return null;
}

/** The wamid a reaction may answer: WhatsApp takes no reaction to a reaction or a system notice. */
function reactable({ message, wamid }: Extract<EngineInput, { kind: 'start' | 'message' }>): string | null {
  return message !== null && isReply(message) ? wamid : null;
}

/** A step no message began keeps `{{input}}` and has no message to react to. */
function remembered(state: EngineState): Heard {
  return { input: state.lastInput ?? null, inboundWamid: null };
}

interface Engine {
  definition: FlowDefinition;
  graph: FlowGraph;
  context: StepContext;
}

/** Used only when the caller passes no usable limit. */
const FALLBACK_MAX_NODES_PER_STEP = 100;

function begin(engine: Engine, state: EngineState, heard: Heard): StepResult {
  const run = createRun(engine.definition, engine.graph, engine.context, state.variables, heard);
  const start = engine.graph.start;
  if (!start) return finish(state, run, null, fail('the flow has no start node'));
  return drive(engine, state, run, start, handlerFor(start.type).enter(start, run), 1);
}

function resume(
  engine: Engine,
  state: EngineState,
  heard: Heard,
  react: (handler: NodeHandler<FlowNode>, node: FlowNode, run: StepRun) => ResumeTransition,
): StepResult {
  if ((state.status !== 'Active' && state.status !== 'Paused') || state.currentNodeId === null) return unchanged(state);
  const run = createRun(engine.definition, engine.graph, engine.context, state.variables, heard);
  const node = engine.graph.node(state.currentNodeId);
  if (!node) {
    const reason = `the session is at node "${state.currentNodeId}", which the flow does not have`;
    return finish(state, run, state.currentNodeId, fail(reason));
  }
  run.attempts = state.attempts;
  const transition = react(handlerFor(node.type), node, run);
  if (transition.kind === 'stay') return finish(state, run, node.id, transition);
  return drive(engine, state, run, node, transition, 0);
}

/** Follows transitions from node to node until one stops the step. */
function drive(engine: Engine, state: EngineState, run: StepRun, from: FlowNode, first: Transition, entered: number): StepResult {
  const limit = maxNodes(engine.context);
  let node = from;
  let transition = first;
  for (let count = entered; ; count += 1) {
    const target = destination(engine.graph, node, transition);
    if ('stop' in target) return finish(state, run, node.id, target.stop);
    if (count >= limit) return loopGuard(state, run, target.node, limit);
    node = target.node;
    run.attempts = 0;
    transition = handlerFor(node.type).enter(node, run);
  }
}

/** The node a transition leads to, or how the step stops at this one. */
function destination(graph: FlowGraph, node: FlowNode, transition: Transition): { node: FlowNode } | { stop: Stop } {
  switch (transition.kind) {
    case 'follow': {
      const edge = graph.edgeFrom(node.id, transition.handle);
      if (!edge) {
        // an unwired `next` is the natural end of a flow
        if (transition.handle === NEXT_HANDLE) return { stop: complete };
        return { stop: fail(`"${node.id}" has no edge for "${transition.handle}"`) };
      }
      const target = graph.node(edge.target);
      if (target) return { node: target };
      return { stop: fail(`edge "${edge.id}" from "${node.id}" leads to "${edge.target}", which does not exist`) };
    }
    case 'jump': {
      const target = graph.node(transition.nodeId);
      return target ? { node: target } : { stop: fail(`"${node.id}" goes to "${transition.nodeId}", which does not exist`) };
    }
    default:
      return { stop: transition };
  }
}

function loopGuard(state: EngineState, run: StepRun, next: FlowNode, limit: number): StepResult {
  const reason =
    `loop guard: ${limit} nodes ran in one step without waiting; stopped before "${next.id}" (${next.type}). ` +
    'The flow probably loops without a waiting node.';
  run.effects.length = 0;
  return finish(state, run, next.id, fail(reason));
}

function maxNodes(context: StepContext): number {
  const limit = context.maxNodesPerStep;
  return Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : FALLBACK_MAX_NODES_PER_STEP;
}

/** The new state for a transition that stopped the step at `nodeId`. */
function finish(state: EngineState, run: StepRun, nodeId: string | null, transition: Stop | { kind: 'stay' }): StepResult {
  const common = { currentNodeId: nodeId, variables: run.variables, lastInput: run.input, error: null };
  const ended = { ...common, attempts: 0, timerAt: null };
  switch (transition.kind) {
    case 'stay':
      return { state: { ...state, variables: run.variables, lastInput: run.input }, effects: run.effects };
    case 'wait':
      return {
        state: { ...common, status: transition.status, attempts: transition.attempts, timerAt: transition.timerAt },
        effects: run.effects,
      };
    case 'complete':
      return { state: { ...ended, status: 'Completed' }, effects: run.effects };
    case 'handoff':
      return { state: { ...ended, status: 'Handoff' }, effects: run.effects };
    case 'startFlow':
      return {
        state: { ...ended, status: 'Completed' },
        effects: [...run.effects, { kind: 'startFlow', flowId: transition.flowId }],
      };
    case 'fail':
      return { state: { ...ended, status: 'Errored', error: transition.reason }, effects: run.effects };
  }
}

function unchanged(state: EngineState): StepResult {
  return { state, effects: [] };
}
