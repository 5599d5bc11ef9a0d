import { describe, expect, it } from 'vitest';
import { MAX_DEFINITION_DEPTH, NODE_TYPES, WAIT_MAX_SECONDS, parseDefinition } from '../../../src/flows/definition.js';
import { checkDefinition } from '../../../src/flows/check.js';
import { edgeHandle } from '../../../src/flows/graph.js';
import { flowJsonSchema } from '../../../src/flows/json-schema.js';
import { EVERY_NODE } from './fixtures.js';

describe('parseDefinition', () => {
  it('accepts every node type, keeps builder keys on nodes and edges, drops unknown data keys', () => {
    const parsed = parseDefinition({
      nodes: EVERY_NODE,
      edges: [{ id: 'e', source: 'start', target: 'message', targetHandle: null, animated: true }],
      settings: { sessionTimeoutMinutes: 60, restartKeywords: ['menu'] },
      viewport: { zoom: 1 },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.definition.nodes.map((n) => n.type)).toEqual([...NODE_TYPES]);
    expect(parsed.definition.nodes[0]).toMatchObject({ width: 120, selected: false, position: { x: 0, y: 0 } });
    expect(parsed.definition.nodes[1]?.data).toEqual({ text: 'Hi {{contact.name}}' });
    expect(parsed.definition.edges[0]).toMatchObject({ animated: true });
  });

  it('reads a missing, null or empty sourceHandle as next', () => {
    const parsed = parseDefinition({
      nodes: [],
      edges: [
        { id: '1', source: 'a', target: 'b' },
        { id: '2', source: 'a', target: 'b', sourceHandle: null },
        { id: '3', source: 'a', target: 'b', sourceHandle: '' },
        { id: '4', source: 'a', target: 'b', sourceHandle: 'yes' },
      ],
    });
    if (!parsed.ok) throw new Error('invalid');
    expect(parsed.definition.edges.map(edgeHandle)).toEqual(['next', 'next', 'next', 'yes']);
  });

  it('reports problems with their path and the id of the node they are in', () => {
    const parsed = parseDefinition({
      nodes: [
        { id: 'b1', type: 'buttons', data: { text: 1, buttons: [] } },
        { id: 'm1', type: 'media', data: { mediaType: 'image', url: 'a', mediaId: 'b' } },
        { id: 'm2', type: 'media', data: { mediaType: 'gif', url: 'a' } },
        { id: 'g1', type: 'goto', data: {} },
        { id: 'x1', type: 'carousel', data: {} },
        { id: 'q1', type: 'question', data: { text: 'Q', variable: 'bad name', validation: { type: 'regex' } } },
        { id: 'c1', type: 'condition', data: { match: 'all', rules: [{ left: 'a', op: 'eq' }] } },
        { type: 'message', data: { text: 'no id' } },
      ],
      edges: [{ id: 'e1', source: 'b1' }],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { nodeId: 'b1', path: 'nodes[0].data.text', message: 'Invalid input: expected string, received number' },
      { nodeId: 'm1', path: 'nodes[1].data', message: 'set either url or mediaId, not both' },
      { nodeId: 'm2', path: 'nodes[2].data', message: expect.stringMatching(/^mediaType: Invalid option/) },
      { nodeId: 'g1', path: 'nodes[3].data', message: 'set nodeId or flowId' },
      { nodeId: 'x1', path: 'nodes[4].type', message: expect.stringMatching(/^unknown node type "carousel"; expected one of: start, message/) },
      { nodeId: 'q1', path: 'nodes[5].data.variable', message: expect.stringMatching(/^use letters, digits/) },
      { nodeId: 'q1', path: 'nodes[5].data.validation.pattern', message: expect.any(String) },
      { nodeId: 'c1', path: 'nodes[6].data.rules[0].right', message: expect.any(String) },
      { path: 'nodes[7].id', message: expect.any(String) },
      { path: 'edges[0].target', message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it('refuses waits longer than a year, where a timer could fall past the last date a Date holds', () => {
    const parsed = parseDefinition({
      nodes: [
        { id: 'd1', type: 'delay', data: { seconds: 1e13 } },
        { id: 'q1', type: 'question', data: { text: 'Q', variable: 'name', timeoutSeconds: WAIT_MAX_SECONDS + 1 } },
        { id: 'd2', type: 'delay', data: { seconds: WAIT_MAX_SECONDS } },
      ],
      edges: [],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { nodeId: 'd1', path: 'nodes[0].data.seconds', message: 'must be at most a year (31,622,400 seconds)' },
      { nodeId: 'q1', path: 'nodes[1].data.timeoutSeconds', message: 'must be at most a year (31,622,400 seconds)' },
    ]);
  });

  it('refuses a reaction without an emoji (an empty one would remove a reaction instead)', () => {
    for (const data of [{}, { emoji: '' }]) {
      expect(parseDefinition({ nodes: [{ id: 'r', type: 'reaction', data }], edges: [] })).toMatchObject({
        ok: false,
        issues: [{ nodeId: 'r', path: 'nodes[0].data.emoji' }],
      });
    }
  });

  it('refuses a definition nested too deeply, naming where, instead of overflowing the stack', () => {
    const nested = (depth: number) => {
      let body: unknown = 'x';
      for (let i = 0; i < depth; i += 1) body = [body];
      return {
        nodes: [{ id: 's', type: 'start', data: {} }, { id: 'h', type: 'httpRequest', data: { method: 'POST', url: 'https://a.example/x', body } }],
        edges: [],
      };
    };
    for (const depth of [5_000, 100_000]) {
      const parsed = parseDefinition(nested(depth));
      expect(parsed).toEqual({
        ok: false,
        issues: [{ nodeId: 'h', path: expect.stringMatching(/^nodes\[1\]\.data\.body(\[0\])+$/), message: `nested more than ${MAX_DEFINITION_DEPTH} levels deep` }],
      });
      expect(checkDefinition(nested(depth)).ok).toBe(false);
    }
    // the definition itself takes 4 levels (definition, nodes, node, data), the body the rest
    expect(parseDefinition(nested(MAX_DEFINITION_DEPTH - 4)).ok).toBe(true);
    expect(parseDefinition(nested(MAX_DEFINITION_DEPTH - 3)).ok).toBe(false);
    expect(parseDefinition({ nodes: [], edges: [], viewport: nested(5_000) }).ok).toBe(false);
  });

  it('refuses what is not a definition at all', () => {
    for (const input of [null, 'flow', [], { nodes: 'x', edges: [] }]) expect(parseDefinition(input).ok).toBe(false);
  });
});

describe('checkDefinition', () => {
  it('reports schema issues as errors with code "schema"', () => {
    expect(checkDefinition({ nodes: [{ id: 'x', type: 'nope', data: {} }], edges: [] })).toMatchObject({
      ok: false,
      errors: [{ code: 'schema', nodeId: 'x', path: 'nodes[0].type' }],
      warnings: [],
    });
  });

  it('lints what parses', () => {
    const result = checkDefinition({ nodes: [{ id: 'm', type: 'message', data: { text: 'x' } }], edges: [] });
    expect(result.ok).toBe(true);
    expect(result.errors.map((e) => e.code)).toContain('no-start-node');
  });
});

describe('flowJsonSchema', () => {
  it('describes every node type as JSON Schema 2020-12, as authors write it', () => {
    const schema = flowJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const text = JSON.stringify(schema);
    for (const type of NODE_TYPES) expect(text).toContain(`"const":"${type}"`);
    expect(schema).toMatchObject({ type: 'object', required: ['nodes', 'edges'] });
    expect(JSON.parse(text)).toEqual(schema);
  });
});
