/**
 * Property tests on random schema-valid flows (most of them broken in some way the linter would
 * report) driven by random conversations: the engine never throws, every step ends, states stay
 * consistent and storable, and no message it sends breaks WhatsApp's limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../src/flows/definition.js';
import { nodeHandles } from '../../../src/flows/handles.js';
import { step } from '../../../src/engine/step.js';
import { type EngineInput, type EngineState, SESSION_STATUSES, initialState } from '../../../src/engine/types.js';
import type { InboundSummary } from '../../../src/whatsapp/inbound.js';
import { CONTACT, T0, limitViolations } from './helpers.js';

const IDS = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
const CHOICE_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const ODD_CHOICE_IDS = ['invalid', 'x'.repeat(300)];
const HANDLES = ['next', 'true', 'false', 'a', 'b', 'c', 'd', 'invalid', 'timeout', 'success', 'error', ''];
const VARIABLES = ['v0', 'v1', 'v2', 'answer'];
const LONG = 'Ñ🍕'.repeat(1500);

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '   ', '{{v0}}', '{{v1}} and {{v2}}', '{{input}}', '{{contact.name}}', '{{ missing }}', 'A', 'B', '1', LONG, '{{v0}}{{v0}}'),
);
const optionalText = fc.option(text, { nil: undefined });
const variable = fc.constantFrom(...VARIABLES);
const waiting = { invalidText: optionalText, maxRetries: fc.option(fc.nat(3), { nil: undefined }), timeoutSeconds: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }) };
const pattern = fc.constantFrom('^\\d+$', '(a', '^(a+)+$', '(?i)yes', '(?=x)', 'a{2,5}');
const choiceId = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...CHOICE_IDS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_CHOICE_IDS) });
const choice = fc.record({ id: choiceId, title: text });
const row = fc.record({ id: choiceId, title: text, description: optionalText });
/** Mostly choices WhatsApp accepts (unique ids, within the counts), sometimes not. */
const choices = <T extends { id: string }>(item: fc.Arbitrary<T>, max: number) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.uniqueArray(item, { selector: (c) => c.id, minLength: 1, maxLength: max }) },
    { weight: 1, arbitrary: fc.array(item, { maxLength: max + 2 }) },
  );

const data: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  message: fc.record({ text }),
  media: fc.oneof(
    fc.record({ mediaType: fc.constantFrom('image', 'video', 'audio', 'document', 'sticker'), url: fc.constantFrom('https://x.example/a.png', '{{v1}}', '{{v0}}'), caption: optionalText }),
    fc.record({ mediaType: fc.constantFrom('image', 'document'), mediaId: fc.constant('M1'), filename: fc.option(fc.constant('f.pdf'), { nil: undefined }) }),
  ),
  buttons: fc.record({ text, header: optionalText, footer: optionalText, buttons: choices(choice, 3), variable: fc.option(variable, { nil: undefined }), ...waiting }),
  list: fc.record({
    text,
    buttonLabel: text,
    header: optionalText,
    footer: optionalText,
    sections: fc.array(fc.record({ title: optionalText, rows: choices(row, 5) }), { minLength: 1, maxLength: 2 }),
    variable: fc.option(variable, { nil: undefined }),
    ...waiting,
  }),
  question: fc.record({
    text,
    variable,
    validation: fc.option(
      fc.oneof(
        fc.record({ type: fc.constantFrom('text', 'number'), min: fc.option(fc.integer({ min: -5, max: 20 }), { nil: undefined }), max: fc.option(fc.integer({ min: -5, max: 20 }), { nil: undefined }) }),
        fc.record({ type: fc.constantFrom('email', 'phone', 'date') }),
        fc.record({ type: fc.constant('regex'), pattern }),
      ),
      { nil: undefined },
    ),
    ...waiting,
  }),
  condition: fc.record({
    match: fc.constantFrom('all', 'any'),
    rules: fc.array(
      fc.oneof(
        fc.record({ left: text, op: fc.constantFrom('isSet', 'isEmpty') }),
        fc.record({ left: text, op: fc.constantFrom('eq', 'neq', 'contains', 'startsWith', 'endsWith', 'gt', 'gte', 'lt', 'lte'), right: text, ignoreCase: fc.boolean() }),
        fc.record({ left: text, op: fc.constant('regex'), right: pattern }),
      ),
      { maxLength: 3 },
    ),
  }),
  setVariable: fc.record({ variable, value: text }),
  delay: fc.record({ seconds: fc.integer({ min: 1, max: 200_000 }) }),
  httpRequest: fc.record({
    method: fc.constantFrom('GET', 'POST'),
    url: fc.constantFrom('https://api.example/{{v0}}', 'not a url', 'ftp://x', '{{v1}}'),
    body: fc.option(fc.oneof(text, fc.constant({ a: '{{v0}}', b: [1, '{{input}}'] })), { nil: undefined }),
    timeoutMs: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
    saveAs: fc.option(fc.dictionary(variable, fc.constantFrom('', 'a', 'a.b', 'list[0]', 'missing')), { nil: undefined }),
  }),
  template: fc.record({ name: fc.constant('hello'), language: fc.constant('en'), components: fc.option(fc.constant([{ type: 'body', parameters: [{ type: 'text', text: '{{v0}}' }] }]), { nil: undefined }) }),
  handoff: fc.record({ text: optionalText }),
  goto: fc.oneof(fc.record({ nodeId: fc.constantFrom(...IDS, 'ghost') }), fc.record({ flowId: fc.constant('other-flow') })),
  end: fc.record({ text: optionalText }),
  ctaUrl: fc.record({ text, buttonText: text, url: fc.constantFrom('https://x.example', '{{v1}}'), header: optionalText, footer: optionalText }),
  location: fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }), name: optionalText }),
  locationRequest: fc.record({ text, variable: fc.option(variable, { nil: undefined }), ...waiting }),
  randomSplit: fc.record({ branches: fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), weight: fc.option(fc.nat(3), { nil: undefined }) }), { maxLength: 3 }), sticky: fc.boolean() }),
  reaction: fc.record({ emoji: fc.constantFrom('👍', '❤️', 'ok', ' ') }),
};

const typedNode = fc.constantFrom(...Object.keys(data)).chain((type) => data[type]!.map((d) => ({ type, data: d })));

/**
 * Nodes first; then, for each handle a node really has, an edge to a random node (sometimes
 * none, sometimes a missing one), plus a few edges through handles nodes do not have.
 */
const definitionArb = fc
  .record({ nodes: fc.array(typedNode, { minLength: 1, maxLength: IDS.length - 1 }), withStart: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) })
  .chain(({ nodes, withStart }) => {
    const rawNodes = [...(withStart ? [{ id: 'n0', type: 'start', data: {} }] : []), ...nodes.map((n, i) => ({ id: IDS[i + 1]!, ...n }))];
    const parsed = parseDefinition({ nodes: rawNodes, edges: [] });
    if (!parsed.ok) throw new Error(`generator made an invalid node: ${JSON.stringify(parsed.issues)}`);
    const wired = parsed.definition.nodes.flatMap((n) => {
      const { required, optional } = nodeHandles(n);
      return [...new Set([...required, ...optional])].map((handle) => ({ source: n.id, handle }));
    });
    const target = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...rawNodes.map((n) => n.id)) }, { weight: 1, arbitrary: fc.constant('ghost') });
    return fc
      .record({
        edges: fc.tuple(...wired.map(() => fc.option(target, { freq: 5, nil: null }))),
        junk: fc.array(fc.record({ source: fc.constantFrom(...IDS), target, sourceHandle: fc.constantFrom(...HANDLES) }), { maxLength: 3 }),
      })
      .map(({ edges, junk }) => ({
        nodes: rawNodes,
        edges: [
          ...wired.flatMap((w, i) => (edges[i] ? [{ id: `w${i}`, source: w.source, target: edges[i], sourceHandle: w.handle }] : [])),
          ...junk.map((edge, i) => ({ id: `j${i}`, ...edge })),
        ],
      }));
  });

type Move =
  | { kind: 'start' }
  | { kind: 'message'; message: InboundSummary }
  | { kind: 'timer'; due: 'pending' | number }
  | { kind: 'httpResult'; nodeId: 'current' | string; result: { ok: true; status: number; body: unknown } | { ok: false; status: null; error: string } };

const inbound = fc.oneof(
  fc.record({ type: fc.constant('text'), text: fc.oneof(text, fc.constantFrom('1', '2', '3', 'a@b.co', '2025-01-31', '42')), reply: fc.constant(null), replyTo: fc.constant(null) }),
  fc.record({
    type: fc.constant('interactive'),
    text: text,
    reply: fc.record({ kind: fc.constantFrom('button_reply', 'list_reply'), id: choiceId, title: text }),
    replyTo: fc.constant(null),
  }),
  fc.record({ type: fc.constantFrom('image', 'sticker', 'location', 'reaction', 'system', 'unsupported'), text: fc.option(text, { nil: null }), reply: fc.constant(null), replyTo: fc.constant(null) }),
);

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
  { weight: 5, arbitrary: inbound.map((message) => ({ kind: 'message' as const, message })) },
  { weight: 3, arbitrary: fc.oneof(fc.constant('pending' as const), fc.integer()).map((due) => ({ kind: 'timer' as const, due })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('httpResult' as const),
      nodeId: fc.constantFrom('current', 'n3'),
      result: fc.oneof(
        fc.record({ ok: fc.constant(true as const), status: fc.constantFrom(200, 204, 404, 500), body: fc.oneof(fc.constant({ a: { b: LONG }, list: [1, { x: null }] }), fc.jsonValue()) }),
        fc.record({ ok: fc.constant(false as const), status: fc.constant(null), error: fc.string() }),
      ),
    }),
  },
);

/** `wamid`: the id a message move gets, unique in its conversation. */
function toInput(m: Move, state: EngineState, wamid: string): EngineInput {
  switch (m.kind) {
    case 'start':
      return { kind: 'start', message: null, wamid: null };
    case 'message':
      return { kind: 'message', message: m.message, wamid };
    case 'timer':
      return { kind: 'timer', dueAt: m.due === 'pending' ? (state.timerAt ?? 0) : m.due };
    case 'httpResult':
      return { kind: 'httpResult', nodeId: m.nodeId === 'current' ? (state.currentNodeId ?? '') : m.nodeId, result: m.result, waitUntil: null };
  }
}

/** The wamid a reaction in this step may target: the step's own message, unless that is a reaction or a system notice. */
function reactedTo(input: EngineInput): string | null {
  return input.kind === 'message' && !['reaction', 'system'].includes(input.message.type) ? input.wamid : null;
}

function checkState(s: EngineState): void {
  expect(SESSION_STATUSES).toContain(s.status);
  if (s.status === 'Errored') expect(s.error).toMatch(/\S/);
  else expect(s.error).toBeNull();
  if (s.status === 'Paused') expect(s.currentNodeId).not.toBeNull();
  if (s.status !== 'Paused' && s.status !== 'Active') expect(s.timerAt).toBeNull();
  expect(Number.isInteger(s.attempts) && s.attempts >= 0).toBe(true);
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
}

describe('engine properties on random flows', () => {
  it('never throws, always ends a step, keeps states consistent, never sends a message over the limits, reacts only to the step\'s message', () => {
    fc.assert(
      fc.property(definitionArb, fc.array(move, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (raw, moves, maxNodesPerStep) => {
        const parsed = parseDefinition(raw);
        if (!parsed.ok) throw new Error(`generator made an invalid definition: ${JSON.stringify(parsed.issues)}`);
        let current: EngineState = { ...initialState(), variables: { v0: LONG, v1: '', v2: 'B' } };
        let now = T0;
        for (const [i, m] of [{ kind: 'start' } as Move, ...moves].entries()) {
          now += 7_000;
          const input = toInput(m, current, `wamid.${i}`);
          const result = step(parsed.definition, current, input, { contact: CONTACT, now, maxNodesPerStep });
          checkState(result.state);
          for (const effect of result.effects) {
            if (effect.kind === 'send') expect(limitViolations(effect.message)).toEqual([]);
            if (effect.kind === 'send' && effect.message.type === 'reaction') expect(reactedTo(input)).toBe(effect.message.reaction.message_id);
            if (effect.kind === 'http') expect(result.state).toMatchObject({ status: 'Active', currentNodeId: effect.nodeId });
          }
          current = result.state;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('an input that does not apply returns the very same state and no effects', () => {
    fc.assert(
      fc.property(definitionArb, fc.array(move, { maxLength: 8 }), (raw, moves) => {
        const parsed = parseDefinition(raw);
        if (!parsed.ok) return;
        let current = initialState();
        for (const m of [{ kind: 'start' } as Move, ...moves]) {
          current = step(parsed.definition, current, toInput(m, current, 'wamid.X'), { contact: CONTACT, now: T0, maxNodesPerStep: 30 }).state;
        }
        const stale = step(parsed.definition, current, { kind: 'timer', dueAt: (current.timerAt ?? 0) + 1 }, { contact: CONTACT, now: T0, maxNodesPerStep: 30 });
        expect(stale.state).toBe(current);
        expect(stale.effects).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
