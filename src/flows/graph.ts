/** An index over a definition's nodes and edges, shared by the linter and the engine. */
import { NEXT_HANDLE } from './constants.js';
import type { FlowDefinition, FlowEdge, FlowNode } from './definition.js';
import { nodeHandles } from './handles.js';

/** The handle an edge leaves by; a missing (or empty, as some builders store it) handle is `next`. */
export function edgeHandle(edge: FlowEdge): string {
  return edge.sourceHandle || NEXT_HANDLE;
}

/** A way out of a node: an edge through one of its handles, or a goto's jump. */
export interface Link {
  handle: string;
  target: string;
}

export interface FlowGraph {
  readonly nodes: readonly FlowNode[];
  /** The first node with this id (duplicates are a lint error). */
  node(id: string): FlowNode | undefined;
  /** The first start node, if any (more than one is a lint error). */
  readonly start: FlowNode | undefined;
  /** The first edge leaving `nodeId` through `handle`. */
  edgeFrom(nodeId: string, handle: string): FlowEdge | undefined;
  /** Ways out of a node that lead to an existing node through a handle the node has. */
  links(nodeId: string): readonly Link[];
}

export function indexDefinition(definition: FlowDefinition): FlowGraph {
  const byId = new Map<string, FlowNode>();
  for (const node of definition.nodes) if (!byId.has(node.id)) byId.set(node.id, node);

  const edgesBySource = new Map<string, FlowEdge[]>();
  for (const edge of definition.edges) {
    const list = edgesBySource.get(edge.source);
    if (list) list.push(edge);
    else edgesBySource.set(edge.source, [edge]);
  }

  const linksById = new Map<string, Link[]>();
  for (const node of byId.values()) {
    const { required, optional } = nodeHandles(node);
    const handles = new Set([...required, ...optional]);
    const links: Link[] = (edgesBySource.get(node.id) ?? [])
      .filter((edge) => handles.has(edgeHandle(edge)) && byId.has(edge.target))
      .map((edge) => ({ handle: edgeHandle(edge), target: edge.target }));
    if (node.type === 'goto' && node.data.nodeId !== undefined && byId.has(node.data.nodeId)) {
      links.push({ handle: 'goto', target: node.data.nodeId });
    }
    linksById.set(node.id, links);
  }

  return {
    nodes: definition.nodes,
    node: (id) => byId.get(id),
    start: definition.nodes.find((node) => node.type === 'start'),
    edgeFrom: (nodeId, handle) => edgesBySource.get(nodeId)?.find((edge) => edgeHandle(edge) === handle),
    links: (nodeId) => linksById.get(nodeId) ?? [],
  };
}
