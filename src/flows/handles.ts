/**
 * Which handles each node type leaves by. A required handle must be wired (the linter reports
 * it otherwise; the engine errors the session if it is taken unwired). An optional handle has a
 * default when unwired: `next` ends the flow, `invalid`/`timeout` end it politely, `error` ends it
 * Errored with the request's error.
 */
import { INVALID_HANDLE, NEXT_HANDLE, TIMEOUT_HANDLE } from './constants.js';
import type { FlowNode, NodeOfType, NodeType } from './definition.js';

export interface NodeHandles {
  required: readonly string[];
  optional: readonly string[];
}

const NEXT_ONLY: NodeHandles = { required: [], optional: [NEXT_HANDLE] };
const NONE: NodeHandles = { required: [], optional: [] };
const WAIT_EXITS = [INVALID_HANDLE, TIMEOUT_HANDLE] as const;

/** Handles a waiting node keeps for itself, so no choice may use them as its id. */
export const RESERVED_CHOICE_IDS: readonly string[] = [NEXT_HANDLE, ...WAIT_EXITS];

export function nodeHandles(node: FlowNode): NodeHandles {
  switch (node.type) {
    case 'buttons':
      return { required: node.data.buttons.map((button) => button.id), optional: WAIT_EXITS };
    case 'list':
      return { required: listRows(node).map((row) => row.id), optional: WAIT_EXITS };
    case 'question':
    case 'locationRequest':
      return { required: [], optional: [NEXT_HANDLE, ...WAIT_EXITS] };
    case 'condition':
      return { required: ['true', 'false'], optional: [] };
    case 'httpRequest':
      return { required: ['success'], optional: ['error'] };
    case 'randomSplit':
      return { required: node.data.branches.map((branch) => branch.id), optional: [] };
    case 'handoff':
    case 'goto':
    case 'end':
      return NONE;
    case 'start':
    case 'message':
    case 'media':
    case 'setVariable':
    case 'delay':
    case 'template':
    case 'ctaUrl':
    case 'location':
    case 'reaction':
      return NEXT_ONLY;
  }
}

export function listRows(node: NodeOfType<'list'>): NodeOfType<'list'>['data']['sections'][number]['rows'] {
  return node.data.sections.flatMap((section) => section.rows);
}

/** Nodes that stop and wait for the user's reply. */
export const WAITING_NODE_TYPES = ['buttons', 'list', 'question', 'locationRequest'] as const satisfies readonly NodeType[];
export type WaitingNodeType = (typeof WAITING_NODE_TYPES)[number];

export function isWaitingNode(node: FlowNode): node is NodeOfType<WaitingNodeType> {
  return (WAITING_NODE_TYPES as readonly NodeType[]).includes(node.type);
}

/** Nodes that end a step until time passes or the user replies: what a loop must contain. */
export function isPausingNode(node: FlowNode): boolean {
  return isWaitingNode(node) || node.type === 'delay';
}
