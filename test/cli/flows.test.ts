/**
 * `waflow flows schema` and `waflow flows lint`, run as a user runs them: a real process, its
 * output and its exit code (in parallel: each is a process of its own).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, it } from 'vitest';
import { NODE_TYPES } from '../../src/flows/definition.js';
import { flow, node } from '../golden/support.js';
import { ROOT, runWaflow } from './run.js';

const SHOWCASE = join(ROOT, 'examples/showcase.flow.json');
const showcaseDefinition = (JSON.parse(readFileSync(SHOWCASE, 'utf8')) as { definition: unknown }).definition;

const waflow = (...args: string[]) => runWaflow(args);

const scratch = mkdtempSync(join(tmpdir(), 'waflow-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeFlow(name: string, definition: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify({ name, trigger: name, definition }));
  return path;
}

describe.concurrent('flows schema', () => {
  it('prints a draft 2020-12 JSON Schema that accepts the showcase and refuses what the parser refuses', async ({ expect }) => {
    const run = await waflow('flows', 'schema');
    expect(run.code).toBe(0);
    type NodeVariant = { properties: { type: { const: string } } };
    const schema = JSON.parse(run.stdout) as { $schema: string; properties: { nodes: { items: { oneOf: NodeVariant[] } } } };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.nodes.items.oneOf.map((variant) => variant.properties.type.const)).toEqual(NODE_TYPES);

    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(showcaseDefinition), JSON.stringify(validate.errors)).toBe(true);
    for (const broken of [
      { nodes: [node('start', 'teleport')], edges: [] },
      { nodes: [node('ask', 'buttons', { text: 'Pick', buttons: [{ id: '', title: 'A' }] })], edges: [] },
      { nodes: [node('pic', 'media', { mediaType: 'image', url: 'https://x.example/a.png', mediaId: '1' })], edges: [] },
      { nodes: [], edges: [{ id: 'e', source: 'a' }] },
    ]) {
      expect(validate(broken), JSON.stringify(broken)).toBe(false);
    }
  });
});

describe.concurrent('flows lint', () => {
  it('passes the showcase: exit 0, no errors, no warnings', async ({ expect }) => {
    expect(await waflow('flows', 'lint', SHOWCASE)).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
  });

  it('fails a flow that breaks WhatsApp limits: exit 1, each problem with its node id', async ({ expect }) => {
    const path = writeFlow(
      'too-much.json',
      flow(
        [
          node('start', 'start'),
          node('plans', 'buttons', {
            text: 'Pick a plan',
            buttons: ['Basic', 'Pro', 'Max', 'A title of 21 chars..'].map((title, i) => ({ id: `p${i}`, title })),
          }),
          node('dishes', 'list', {
            text: 'Pick a dish',
            buttonLabel: 'Dishes',
            sections: [{ rows: [{ id: 'd', title: 'A row title of 25 chars..' }] }],
          }),
        ],
        [['start', 'plans'], ...[0, 1, 2, 3].map((i): [string, string, string] => ['plans', 'dishes', `p${i}`]), ['dishes', 'start', 'd']],
      ),
    );
    const run = await waflow('flows', 'lint', path);
    expect(run.code).toBe(1);
    // each line: level, node id, code: message
    const located = run.stdout.split('\n').filter((line) => line.startsWith('error')).map((line) => line.split(/\s+/).slice(1, 3).join(' '));
    expect(located).toEqual(['plans button-count:', 'plans title-too-long:', 'dishes title-too-long:']);
    expect(run.stdout).toMatch(/^3 error\(s\)$/m);
  });

  it('fails a definition the schema refuses, naming the node', async ({ expect }) => {
    const path = writeFlow('unknown-type.json', flow([node('start', 'start'), node('beam', 'teleport')], [['start', 'beam']]));
    const run = await waflow('flows', 'lint', path);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^error\s+beam\s+nodes\[1\]\.type: unknown node type "teleport"/m);
  });
});
