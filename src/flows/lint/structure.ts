/** The graph itself: one start, edges that lead somewhere through real handles, no busy loops. */
import { NEXT_HANDLE } from '../constants.js';
import type { FlowNode } from '../definition.js';
import { edgeHandle } from '../graph.js';
import { isPausingNode, nodeHandles } from '../handles.js';
import type { LintContext } from './report.js';
import { cycles } from './scc.js';

export function checkStructure(context: LintContext): void {
  checkStart(context);
  checkIds(context);
  checkEdges(context);
  checkHandles(context);
  checkGotos(context);
  checkReachability(context);
  checkLoops(context);
}

function checkStart(context: LintContext): void {
  const starts = context.definition.nodes.filter((node) => node.type === 'start');
  if (starts.length === 0) context.error('no-start-node', 'The flow needs exactly one start node; it has none.');
  for (const extra of starts.slice(1)) {
    context.error('multiple-start-nodes', `The flow needs exactly one start node; "${extra.id}" is another one.`, {
      nodeId: extra.id,
    });
  }
}

function checkIds(context: LintContext): void {
  for (const id of duplicates(context.definition.nodes.map((node) => node.id))) {
    context.error('duplicate-node-id', `Several nodes have the id "${id}".`, { nodeId: id });
  }
  for (const id of duplicates(context.definition.edges.map((edge) => edge.id))) {
    context.warn('duplicate-edge-id', `Several edges have the id "${id}".`, { edgeId: id });
  }
}

function checkEdges(context: LintContext): void {
  const { graph } = context;
  for (const edge of context.definition.edges) {
    const source = graph.node(edge.source);
    if (!source) {
      context.error('edge-source-missing', `Edge "${edge.id}" leaves node "${edge.source}", which does not exist.`, {
        edgeId: edge.id,
      });
      continue;
    }
    if (!graph.node(edge.target)) {
      context.error('edge-target-missing', `Edge "${edge.id}" leads to node "${edge.target}", which does not exist.`, {
        nodeId: source.id,
        edgeId: edge.id,
      });
    }
    const { required, optional } = nodeHandles(source);
    const handle = edgeHandle(edge);
    if (![...required, ...optional].includes(handle)) {
      const known = [...required, ...optional];
      context.error(
        'unknown-handle',
        known.length === 0
          ? `Edge "${edge.id}" leaves ${source.type} node "${source.id}", which has no way out.`
          : `Edge "${edge.id}" leaves "${source.id}" by "${handle}", which it does not have (it has: ${known.join(', ')}).`,
        { nodeId: source.id, edgeId: edge.id },
      );
    }
  }
}

function checkHandles(context: LintContext): void {
  for (const node of context.definition.nodes) {
    const wired = context.definition.edges.filter((edge) => edge.source === node.id).map(edgeHandle);
    for (const handle of duplicates(wired)) {
      context.error('duplicate-handle-edge', `Several edges leave "${node.id}" by "${handle}"; only the first is used.`, {
        nodeId: node.id,
      });
    }
    const { required, optional } = nodeHandles(node);
    for (const handle of required) {
      if (!wired.includes(handle)) {
        context.error('missing-edge', `"${node.id}" has no edge for "${handle}".`, { nodeId: node.id });
      }
    }
    if (optional.includes(NEXT_HANDLE) && !wired.includes(NEXT_HANDLE)) {
      context.warn('dead-end', `The flow ends after "${node.id}" (nothing is wired to "next"); an end node says so explicitly.`, {
        nodeId: node.id,
      });
    }
  }
}

function checkGotos(context: LintContext): void {
  const knownFlows = context.options.knownFlowIds;
  for (const node of context.definition.nodes) {
    if (node.type !== 'goto') continue;
    const { nodeId, flowId } = node.data;
    if (nodeId !== undefined && !context.graph.node(nodeId)) {
      context.error('goto-missing-node', `"${node.id}" goes to node "${nodeId}", which does not exist.`, { nodeId: node.id });
    }
    if (flowId !== undefined && knownFlows && !knownFlows.includes(flowId)) {
      context.error('goto-unknown-flow', `"${node.id}" starts flow "${flowId}", which does not exist.`, { nodeId: node.id });
    }
  }
}

/** Nodes a session can reach from the start, following edges and gotos. */
export function reachableFrom(context: LintContext, roots: readonly FlowNode[]): Set<string> {
  const seen = new Set(roots.map((node) => node.id));
  const queue = [...seen];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const link of context.graph.links(id)) {
      if (!seen.has(link.target)) {
        seen.add(link.target);
        queue.push(link.target);
      }
    }
  }
  return seen;
}

function checkReachability(context: LintContext): void {
  const starts = context.definition.nodes.filter((node) => node.type === 'start');
  if (starts.length === 0) return; // already an error; every node would be reported
  const reachable = reachableFrom(context, starts);
  for (const node of context.definition.nodes) {
    if (!reachable.has(node.id)) {
      context.warn('unreachable-node', `"${node.id}" cannot be reached from the start.`, { nodeId: node.id });
    }
  }
}

/** A cycle made only of nodes that neither wait for the user nor for time would spin for ever. */
function checkLoops(context: LintContext): void {
  const { graph } = context;
  const busy = [...new Set(context.definition.nodes.map((node) => node.id))].filter((id) => {
    const node = graph.node(id);
    return node !== undefined && !isPausingNode(node);
  });
  const busySet = new Set(busy);
  const successors = (id: string): string[] =>
    graph.links(id).map((link) => link.target).filter((target) => busySet.has(target));
  for (const members of cycles(busy, successors)) {
    context.error(
      'loop-without-wait',
      `The loop through ${members.map((id) => `"${id}"`).join(', ')} never waits for a reply or a delay; it would run for ever.`,
      { nodeId: members[0] },
    );
  }
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
