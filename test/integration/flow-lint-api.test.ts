/**
 * `POST /api/v1/flows` refuses to activate a flow that breaks a WhatsApp content limit, naming
 * the node; the same flow right at the limit is accepted. One row per limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Definition, type RawNode, flow, node } from '../golden/support.js';
import { startHarness, type Harness } from '../support/harness.js';

const chars = (length: number, letter = 'x') => letter.repeat(length);
/** `count` buttons or rows, ids and titles unique under `prefix`. */
const choices = (count: number, title: (i: number) => string = (i) => `Choice ${i}`, prefix = 'c') =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: title(i) }));
const rows = (count: number, prefix: string) => choices(count, (i) => `${prefix} ${i}`, prefix);

/** start → subject → bye, through each of the subject's handles (`next` when it has no others). */
function around(subject: RawNode, handles: string[] = []): Definition {
  const exits = handles.map((handle): [string, string, string] => ['subject', 'bye', handle]);
  return flow(
    [node('start', 'start'), subject, node('bye', 'end', { text: 'Bye' })],
    [['start', 'subject'], ...(exits.length > 0 ? exits : [['subject', 'bye'] as [string, string]])],
  );
}

const buttons = (list: { id: string; title: string }[], data: Record<string, unknown> = {}) =>
  around(node('subject', 'buttons', { text: 'Pick one', buttons: list, ...data }), list.map((button) => button.id));

type Row = { id: string; title: string; description?: string };
const list = (sections: Row[][], data: Record<string, unknown> = {}) =>
  around(
    node('subject', 'list', {
      text: 'Pick one',
      buttonLabel: 'Options',
      sections: sections.map((sectionRows, s) => ({ title: `Section ${s}`, rows: sectionRows })),
      ...data,
    }),
    sections.flat().map((row) => row.id),
  );

const message = (text: string) => around(node('subject', 'message', { text }));

interface LimitCase {
  limit: string;
  code: string;
  within: Definition;
  beyond: Definition;
}

/** Each limit, just kept and just broken (sizes in characters unless said otherwise). */
const LIMITS: LimitCase[] = [
  { limit: 'at most 3 buttons', code: 'button-count', within: buttons(choices(3)), beyond: buttons(choices(4)) },
  {
    limit: 'button title ≤ 20',
    code: 'title-too-long',
    within: buttons(choices(1, () => chars(20))),
    beyond: buttons(choices(1, () => chars(21))),
  },
  {
    limit: 'unique button titles (compared as typed: case and accents ignored)',
    code: 'duplicate-title',
    within: buttons(choices(2, (i) => ['Yes', 'No'][i]!)),
    beyond: buttons(choices(2, (i) => ['Yes', ' yés'][i]!)),
  },
  {
    limit: 'at most 10 list rows in all',
    code: 'row-count',
    within: list([rows(6, 'a'), rows(4, 'b')]),
    beyond: list([rows(6, 'a'), rows(5, 'b')]),
  },
  {
    limit: 'row title ≤ 24',
    code: 'title-too-long',
    within: list([choices(1, () => chars(24))]),
    beyond: list([choices(1, () => chars(25))]),
  },
  {
    limit: 'row description ≤ 72',
    code: 'description-too-long',
    within: list([[{ id: 'r', title: 'Row', description: chars(72) }]]),
    beyond: list([[{ id: 'r', title: 'Row', description: chars(73) }]]),
  },
  {
    limit: 'interactive body ≤ 1024',
    code: 'body-too-long',
    within: buttons(choices(1), { text: chars(1024) }),
    beyond: buttons(choices(1), { text: chars(1025) }),
  },
  { limit: 'text body ≤ 4096', code: 'text-too-long', within: message(chars(4096)), beyond: message(chars(4097)) },
  {
    limit: 'header ≤ 60',
    code: 'header-too-long',
    within: list([choices(1)], { header: chars(60) }),
    beyond: list([choices(1)], { header: chars(61) }),
  },
  {
    limit: 'footer ≤ 60',
    code: 'footer-too-long',
    within: buttons(choices(1), { footer: chars(60) }),
    beyond: buttons(choices(1), { footer: chars(61) }),
  },
  {
    limit: 'button id ≤ 256',
    code: 'id-too-long',
    within: buttons([{ id: chars(256, 'b'), title: 'Go' }]),
    beyond: buttons([{ id: chars(257, 'b'), title: 'Go' }]),
  },
  {
    limit: 'row id ≤ 200',
    code: 'id-too-long',
    within: list([[{ id: chars(200, 'r'), title: 'Go' }]]),
    beyond: list([[{ id: chars(201, 'r'), title: 'Go' }]]),
  },
];

interface LintIssue {
  nodeId?: string;
  code: string;
  message: string;
}

let h: Harness;
let apiKey: string;
beforeAll(async () => {
  h = await startHarness();
  ({ apiKey } = await h.createUser());
});
afterAll(() => h.close());

interface Posted {
  id?: string;
  error?: { code: string; details: LintIssue[] };
  lint?: { errors: LintIssue[] };
}

const post = (definition: Definition, status = 'Active') =>
  h.api<Posted>('POST', '/api/v1/flows', { name: 'limits', trigger: 'limits', status, definition }, apiKey);

describe.concurrent('an Active flow must keep WhatsApp limits', () => {
  for (const { limit, code, within, beyond } of LIMITS) {
    it(limit, async ({ expect }) => {
      const accepted = await post(within);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);

      const refused = await post(beyond);
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe('lint_failed');
      expect(refused.body.error?.details).toEqual([{ nodeId: 'subject', code, message: expect.stringContaining('"subject"') }]);
    });
  }
});

it('keeps a flow with lint errors as Draft, and refuses to activate it later', async () => {
  const draft = await post(buttons(choices(4)), 'Draft');
  expect(draft.status).toBe(201);
  expect(draft.body.lint?.errors).toEqual([expect.objectContaining({ nodeId: 'subject', code: 'button-count' })]);
  const activated = await h.api<Posted>('PATCH', `/api/v1/flows/${draft.body.id}`, { status: 'Active' }, apiKey);
  expect(activated.status).toBe(400);
  expect(activated.body.error?.code).toBe('lint_failed');
});

it('refuses to activate a flow whose goto starts a flow the caller does not have', async () => {
  const jumping = (flowId: string) =>
    flow([node('start', 'start'), node('jump', 'goto', { flowId })], [['start', 'jump']]);
  const target = await post(message('Hi'), 'Draft');
  expect(target.status).toBe(201);
  expect((await post(jumping(target.body.id!))).status).toBe(201);
  const refused = await post(jumping('no-such-flow'));
  expect(refused.status).toBe(400);
  expect(refused.body.error?.details).toEqual([expect.objectContaining({ nodeId: 'jump', code: 'goto-unknown-flow' })]);
});

