/**
 * ReDoS through the worker: patterns that make backtracking engines run for ages, in condition
 * rules and in question validation, fed the inputs that trigger it. Patterns run on RE2 (linear
 * time) and inputs are capped, so each verdict arrives promptly — a backtracking match would
 * block the worker's event loop (and this test's, which hosts it) for minutes or for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE_NUMBER_ID, startHarness, type Harness } from '../support/harness.js';
import { printFigures } from './support/figures.js';

let h: Harness;
let apiKey: string;
let contacts = 0;
const latencies: number[] = [];

beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
});
afterAll(() => h.close());

/** [name, pattern, an input that makes backtracking explode, an input that matches] */
const PATTERNS: Array<[string, string, string, string]> = [
  ['nested quantifier', '^(a+)+$', `${'a'.repeat(40)}!`, 'aaaa'],
  ['alternation of equals', '^(a|a)*$', `${'a'.repeat(40)}!`, 'aaa'],
  ['overlapping alternation', '^(a|aa)+$', `${'a'.repeat(60)}!`, 'aaaa'],
  ['adjacent quantifiers', '(x+x+)+y', 'x'.repeat(40), 'xxy'],
  ['OWASP example', '^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(40), 'ab.Cd'],
  ['e-mail validator', '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$', `${'a'.repeat(40)}!`, 'john.doe@example.com'],
  ['repeated wildcard group', '(.*a){20}', `${'a'.repeat(19)}${'b'.repeat(40)}`, 'a'.repeat(20)],
];
/** Longer than the matching cap: never a match, whatever the pattern. */
const OVER_THE_CAP = 'a'.repeat(1_001);

const edge = (source: string, target: string, sourceHandle?: string) => ({ id: `${source}-${target}`, source, target, ...(sourceHandle && { sourceHandle }) });

/** Asks for a text, then branches on a condition rule with the pattern. */
const conditionFlow = (pattern: string) => ({
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'ask', type: 'question', data: { text: 'text?', variable: 'text' } },
    { id: 'check', type: 'condition', data: { match: 'all', rules: [{ left: '{{text}}', op: 'regex', right: pattern }] } },
    { id: 'yes', type: 'end', data: { text: 'matched' } },
    { id: 'no', type: 'end', data: { text: 'no match' } },
  ],
  edges: [edge('start', 'ask'), edge('ask', 'check'), edge('check', 'yes', 'true'), edge('check', 'no', 'false')],
});

/** Asks for a text validated by the pattern: "valid", or a re-prompt. */
const validationFlow = (pattern: string) => ({
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'ask', type: 'question', data: { text: 'text?', variable: 'text', validation: { type: 'regex', pattern }, invalidText: 'invalid' } },
    { id: 'done', type: 'end', data: { text: 'valid' } },
  ],
  edges: [edge('start', 'ask'), edge('ask', 'done')],
});

const repliesTo = (phone: string) => h.simulator.sent.filter((message) => message.to === phone).map((message) => (message.body.text as { body: string } | undefined)?.body);

/** Starts the flow, answers its question with `input`, and returns the verdict and how long it took. */
async function verdict(trigger: string, input: string): Promise<string> {
  const phone = `1555440${String(++contacts).padStart(4, '0')}`;
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: trigger });
  await h.simulator.waitFor(() => repliesTo(phone).includes('text?'), 20_000);
  const started = Date.now();
  await h.simulator.userSends(PHONE_NUMBER_ID, phone, { type: 'text', body: input });
  const reply = await h.simulator.waitFor(() => repliesTo(phone)[1], 20_000);
  latencies.push(Date.now() - started);
  return reply;
}

describe.each([
  ['condition rules', conditionFlow, { match: 'matched', miss: 'no match' }],
  ['question validation', validationFlow, { match: 'valid', miss: 'invalid' }],
] as const)('catastrophic patterns in %s', (kind, flow, verdicts) => {
  it.each(PATTERNS)('%s: bounded time on the explosive input, the cap and a match', async (name, pattern, explosive, matching) => {
    const trigger = `redos-${kind.replace(/\s/g, '-')}-${name.replace(/\W+/g, '-')}`;
    await h.createFlow(apiKey, { name: trigger, trigger, definition: flow(pattern) });
    expect(await verdict(trigger, explosive)).toBe(verdicts.miss);
    expect(await verdict(trigger, OVER_THE_CAP)).toBe(verdicts.miss);
    expect(await verdict(trigger, matching)).toBe(verdicts.match);
  }, 60_000);
});

describe('figures', () => {
  it('prints them', () => {
    const sorted = [...latencies].sort((a, b) => a - b);
    printFigures('redos', {
      patterns: PATTERNS.length,
      verdicts: latencies.length,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      maxMs: sorted.at(-1) ?? 0,
    });
  });
});
