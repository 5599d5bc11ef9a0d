/**
 * What a node type implements, and what it may do: every handler gets a NodeRun (read the
 * conversation, render text, queue effects) and answers with a Transition (where the step goes).
 */
import type { FlowDefinition, FlowNode } from '../flows/definition.js';
import { NEXT_HANDLE } from '../flows/constants.js';
import type { InterpolateOptions } from '../flows/interpolate.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { OutboundMessage } from '../whatsapp/outbound.js';
import type { HttpRequestSpec, HttpResult, StepContext } from './types.js';

export interface NodeRun {
  readonly definition: FlowDefinition;
  /** Epoch ms of this step. */
  readonly now: number;
  readonly contact: StepContext['contact'];
  /** Text of the user's latest message (`{{input}}`). */
  readonly input: string | null;
  /**
   * Wamid of the user's message this step answers; null when a timer, an HTTP result or a start
   * without a message began the step, or when the message was a reaction or a system notice.
   */
  readonly inboundWamid: string | null;
  /** Unexpected replies the current node already received (0 when it was just entered). */
  readonly attempts: number;
  variable(name: string): string | undefined;
  /** Fills in placeholders (see InterpolateOptions: encoding, secrets kept for requests). */
  interpolate(text: string, options?: InterpolateOptions): string;
  setVariable(name: string, value: string): void;
  unsetVariable(name: string): void;
  send(message: OutboundMessage): void;
  request(nodeId: string, request: HttpRequestSpec): void;
  hasEdge(nodeId: string, handle: string): boolean;
  /**
   * Takes `cost` from the regex work the whole step may still do (shared by every condition the
   * step runs, see rules.ts); false, taking nothing, when less is left.
   */
  spendRegexWork(cost: number): boolean;
}

export type Transition =
  /** Leave the node through a handle (unwired `next` ends the flow; other unwired handles error). */
  | { kind: 'follow'; handle: string }
  /** Enter another node of this flow directly. */
  | { kind: 'jump'; nodeId: string }
  /** Stop here until a reply, a timer or an HTTP result. */
  | { kind: 'wait'; status: 'Paused' | 'Active'; timerAt: number | null; attempts: number }
  | { kind: 'complete' }
  | { kind: 'handoff' }
  | { kind: 'startFlow'; flowId: string }
  | { kind: 'fail'; reason: string };

/** Transitions that end the step at the node. */
export type Stop = Exclude<Transition, { kind: 'follow' | 'jump' }>;

/** Resuming may also leave everything as it was (a message during a delay, a reaction…). */
export type ResumeTransition = Transition | { kind: 'stay' };

export const follow = (handle: string): Transition => ({ kind: 'follow', handle });
export const next: Transition = follow(NEXT_HANDLE);
export const complete: Stop = { kind: 'complete' };
export const stay: ResumeTransition = { kind: 'stay' };
export const fail = (reason: string): Stop => ({ kind: 'fail', reason });

export interface NodeHandler<N extends FlowNode> {
  /** The flow arrives at the node. */
  enter(node: N, run: NodeRun): Transition;
  /** A user message while the session waits at the node. Without it, messages leave the node as it is. */
  onMessage?(node: N, run: NodeRun, message: InboundSummary): ResumeTransition;
  /** The node's timer fired. */
  onTimer?(node: N, run: NodeRun): Transition;
  /** The result of the node's HTTP request. */
  onHttpResult?(node: N, run: NodeRun, result: HttpResult): Transition;
}
