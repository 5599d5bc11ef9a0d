import { describe, expect, it } from 'vitest';
import { type LintOptions, type LintReport, lintDefinition } from '../../../src/flows/lint.js';
import { LIMITS } from '../../../src/whatsapp/limits.js';
import { EVERY_NODE, parsed } from './fixtures.js';

type RawNode = { id: string; type: string; data: Record<string, unknown> };
const n = (id: string, type: string, data: Record<string, unknown> = {}): RawNode => ({ id, type, data });

function lint(nodes: RawNode[], edges: [string, string, string?][], settings?: unknown, options?: LintOptions): LintReport {
  return lintDefinition(
    parsed({
      nodes,
      edges: edges.map(([source, target, sourceHandle], i) => ({ id: `e${i}`, source, target, ...(sourceHandle === undefined ? {} : { sourceHandle }) })),
      ...(settings === undefined ? {} : { settings }),
    }),
    options,
  );
}

const found = (issues: LintReport['errors']) => issues.map((issue) => [issue.code, issue.nodeId ?? issue.edgeId ?? null]);

/** start → node → end, so only the node under test can be wrong. */
function single(node: RawNode, exits: [string, string?][] = [['end']], extra: RawNode[] = []): LintReport {
  return lint([n('s', 'start'), node, n('end', 'end'), ...extra], [['s', node.id], ...exits.map(([target, handle]): [string, string, string?] => [node.id, target, handle])]);
}

const buttons = (list: { id: string; title: string }[], extra: Record<string, unknown> = {}) =>
  n('b', 'buttons', { text: 'Pick', buttons: list, ...extra });
const wiredButtons = (list: { id: string; title: string }[], extra: Record<string, unknown> = {}) =>
  single(buttons(list, extra), list.map((b): [string, string] => ['end', b.id]));

describe('lintDefinition: a correct flow', () => {
  it('reports nothing for a flow using every node type correctly', () => {
    const report = lint(
      [
        n('s', 'start'),
        n('q', 'question', { text: 'Name?', variable: 'name', timeoutSeconds: 600 }),
        n('b', 'buttons', { text: 'Hi {{name}}', buttons: [{ id: 'menu', title: 'Menu' }, { id: 'human', title: 'Talk to us' }], variable: 'choice' }),
        n('l', 'list', { text: 'Menu', buttonLabel: 'Open', sections: [{ title: 'Food', rows: [{ id: 'pizza', title: 'Pizza' }] }, { title: 'Drinks', rows: [{ id: 'cola', title: 'Cola' }] }] }),
        n('c', 'condition', { match: 'all', rules: [{ left: '{{choice}}', op: 'eq', right: 'Menu' }] }),
        n('v', 'setVariable', { variable: 'order', value: '{{name}}' }),
        n('d', 'delay', { seconds: 30 }),
        n('h', 'httpRequest', { method: 'POST', url: 'https://api.example/orders', body: { name: '{{name}}' }, saveAs: { orderId: 'id' } }),
        n('m', 'message', { text: 'Order {{orderId}} placed' }),
        n('md', 'media', { mediaType: 'image', url: 'https://cdn.example/pizza.png' }),
        n('t', 'template', { name: 'receipt', language: 'en' }),
        n('cta', 'ctaUrl', { text: 'Track it', buttonText: 'Track', url: 'https://x.example/{{orderId}}' }),
        n('loc', 'location', { latitude: 1, longitude: 2 }),
        n('lr', 'locationRequest', { text: 'Where to?', variable: 'address' }),
        n('rx', 'reaction', { emoji: '📍' }),
        n('r', 'randomSplit', { branches: [{ id: 'x' }, { id: 'y' }] }),
        n('g', 'goto', { nodeId: 'b' }),
        n('ho', 'handoff', { text: 'A person will help you' }),
        n('e', 'end', { text: 'Bye' }),
      ],
      [
        ['s', 'q'], ['q', 'b'], ['q', 'e', 'timeout'], ['b', 'l', 'menu'], ['b', 'ho', 'human'], ['l', 'c', 'pizza'], ['l', 'c', 'cola'],
        ['c', 'v', 'true'], ['c', 'g', 'false'], ['v', 'd'], ['d', 'h'], ['h', 'm', 'success'], ['h', 'e', 'error'], ['m', 'md'],
        ['md', 't'], ['t', 'cta'], ['cta', 'loc'], ['loc', 'lr'], ['lr', 'rx'], ['rx', 'r'], ['r', 'e', 'x'], ['r', 'e', 'y'],
      ],
      { restartKeywords: ['menu'] },
    );
    expect(report).toEqual({ errors: [], warnings: [] });
  });
});

describe('lintDefinition: structure', () => {
  it('requires exactly one start node', () => {
    expect(found(lint([n('m', 'message', { text: 'x' })], []).errors)).toEqual([['no-start-node', null]]);
    expect(found(lint([n('s', 'start'), n('s2', 'start')], [['s', 's2']]).errors)).toEqual([['multiple-start-nodes', 's2']]);
  });

  it('reports duplicate node ids (error) and edge ids (warning)', () => {
    const report = lintDefinition(
      parsed({ nodes: [n('s', 'start'), n('a', 'end'), n('a', 'end')], edges: [{ id: 'x', source: 's', target: 'a' }, { id: 'x', source: 's', target: 'a', sourceHandle: 'next' }] }),
    );
    expect(found(report.errors)).toEqual([['duplicate-node-id', 'a'], ['duplicate-handle-edge', 's']]);
    expect(found(report.warnings)).toEqual([['duplicate-edge-id', 'x']]);
  });

  it('reports edges from or to missing nodes and through handles the node lacks', () => {
    const report = lint([n('s', 'start'), n('e', 'end'), n('c', 'condition', { match: 'all', rules: [] })], [
      ['s', 'c'], ['c', 'e', 'true'], ['c', 'e', 'false'], ['ghost', 'e'], ['c', 'nowhere', 'maybe'], ['e', 's'],
    ]);
    expect(found(report.errors)).toEqual([
      ['edge-source-missing', 'e3'],
      ['edge-target-missing', 'c'],
      ['unknown-handle', 'c'],
      ['unknown-handle', 'e'],
    ]);
  });

  it('requires an edge for every button, row, branch and condition outcome; invalid/timeout/error may stay unwired', () => {
    expect(found(single(buttons([{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }]), [['end', 'a']]).errors)).toEqual([['missing-edge', 'b']]);
    expect(found(single(n('c', 'condition', { match: 'all', rules: [] }), [['end', 'true']]).errors)).toEqual([['missing-edge', 'c']]);
    expect(found(single(n('r', 'randomSplit', { branches: [{ id: 'x' }, { id: 'y' }] }), [['end', 'x']]).errors)).toEqual([['missing-edge', 'r']]);
    expect(found(single(n('h', 'httpRequest', { method: 'GET', url: 'https://x.example' }), [['end', 'error']]).errors)).toEqual([['missing-edge', 'h']]);
    expect(single(n('h', 'httpRequest', { method: 'GET', url: 'https://x.example' }), [['end', 'success']]).errors).toEqual([]);
    expect(wiredButtons([{ id: 'a', title: 'A' }], { timeoutSeconds: 10 }).errors).toEqual([]);
  });

  it('warns about dead ends (an unwired next)', () => {
    expect(found(lint([n('s', 'start'), n('m', 'message', { text: 'x' })], [['s', 'm']]).warnings)).toEqual([['dead-end', 'm']]);
  });

  it('reports gotos to missing nodes and, when known flows are given, to unknown flows', () => {
    expect(found(single(n('g', 'goto', { nodeId: 'nope' }), []).errors)).toEqual([['goto-missing-node', 'g']]);
    const toFlow = lint([n('s', 'start'), n('g', 'goto', { flowId: 'f2' })], [['s', 'g']], undefined, { knownFlowIds: ['f1'] });
    expect(found(toFlow.errors)).toEqual([['goto-unknown-flow', 'g']]);
    expect(lint([n('s', 'start'), n('g', 'goto', { flowId: 'f2' })], [['s', 'g']]).errors).toEqual([]);
  });

  it('warns about unreachable nodes, following edges and gotos', () => {
    const report = lint([n('s', 'start'), n('g', 'goto', { nodeId: 'e' }), n('e', 'end'), n('lost', 'end')], [['s', 'g']]);
    expect(found(report.warnings)).toEqual([['unreachable-node', 'lost']]);
  });

  it('rejects loops with no waiting node, and accepts loops through a wait or a delay', () => {
    const busy = lint([n('s', 'start'), n('a', 'message', { text: 'a' }), n('b', 'setVariable', { variable: 'x', value: '1' })], [['s', 'a'], ['a', 'b'], ['b', 'a']]);
    expect(found(busy.errors)).toEqual([['loop-without-wait', 'a']]);
    expect(busy.errors[0]?.message).toContain('"a", "b"');
    expect(found(lint([n('s', 'start'), n('g', 'goto', { nodeId: 'g' })], [['s', 'g']]).errors)).toEqual([['loop-without-wait', 'g']]);
    const polling = lint(
      [n('s', 'start'), n('h', 'httpRequest', { method: 'GET', url: 'https://x.example' }), n('d', 'delay', { seconds: 60 }), n('e', 'end')],
      [['s', 'h'], ['h', 'd', 'success'], ['h', 'e', 'error'], ['d', 'h']],
    );
    expect(polling.errors).toEqual([]);
    const hammering = lint(
      [n('s', 'start'), n('h', 'httpRequest', { method: 'GET', url: 'https://x.example' }), n('e', 'end')],
      [['s', 'h'], ['h', 'h', 'success'], ['h', 'e', 'error']],
    );
    expect(found(hammering.errors)).toEqual([['loop-without-wait', 'h']]);
    const menu = lint(
      [n('s', 'start'), buttons([{ id: 'again', title: 'Again' }, { id: 'stop', title: 'Stop' }]), n('m', 'message', { text: 'ok' }), n('e', 'end')],
      [['s', 'b'], ['b', 'm', 'again'], ['m', 'b'], ['b', 'e', 'stop']],
    );
    expect(menu.errors).toEqual([]);
  });
});

describe('lintDefinition: WhatsApp limits, each reported with the node id', () => {
  const long = (length: number) => 'x'.repeat(length);

  it('buttons: 1 to 3, titles present, ≤ 20 and unique, ids ≤ 256, unique and not reserved', () => {
    const four = [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` }));
    expect(found(wiredButtons(four).errors)).toEqual([['button-count', 'b']]);
    expect(found(single(buttons([]), []).errors)).toEqual([['button-count', 'b']]);
    expect(found(wiredButtons([{ id: 'a', title: long(LIMITS.buttons.title + 1) }]).errors)).toEqual([['title-too-long', 'b']]);
    expect(wiredButtons([{ id: 'a', title: long(LIMITS.buttons.title) }]).errors).toEqual([]);
    expect(found(wiredButtons([{ id: 'a', title: ' ' }]).errors)).toEqual([['empty-title', 'b']]);
    expect(found(wiredButtons([{ id: 'a', title: 'Sí' }, { id: 'b', title: 'si' }]).errors)).toEqual([['duplicate-title', 'b']]);
    expect(found(wiredButtons([{ id: long(LIMITS.buttons.id + 1), title: 'A' }]).errors)).toEqual([['id-too-long', 'b']]);
    expect(found(single(buttons([{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }]), [['end', 'a']]).errors)).toEqual([['duplicate-id', 'b']]);
    expect(found(wiredButtons([{ id: 'timeout', title: 'A' }]).errors)).toEqual([['reserved-id', 'b']]);
  });

  it('interactive body ≤ 1024 and present, header and footer ≤ 60', () => {
    const ok = [{ id: 'a', title: 'A' }];
    expect(found(wiredButtons(ok, { text: long(LIMITS.interactiveBody + 1) }).errors)).toEqual([['body-too-long', 'b']]);
    expect(found(wiredButtons(ok, { text: '' }).errors)).toEqual([['empty-text', 'b']]);
    expect(found(wiredButtons(ok, { header: long(LIMITS.headerText + 1) }).errors)).toEqual([['header-too-long', 'b']]);
    expect(found(wiredButtons(ok, { footer: long(LIMITS.footerText + 1) }).errors)).toEqual([['footer-too-long', 'b']]);
  });

  describe('lists', () => {
    type Section = { title?: string; rows: { id: string; title: string; description?: string }[] };
    const rows = (count: number, prefix = 'r') => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: `${prefix} ${i}` }));
    const list = (sections: Section[], extra: Record<string, unknown> = {}) => n('l', 'list', { text: 'Pick', buttonLabel: 'Open', sections, ...extra });
    const wiredList = (sections: Section[], extra: Record<string, unknown> = {}) =>
      single(list(sections, extra), sections.flatMap((s) => s.rows.map((r): [string, string] => ['end', r.id])));

    it('at most 10 rows in all, at most 10 sections, none empty', () => {
      expect(found(wiredList([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]).errors)).toEqual([['row-count', 'l']]);
      expect(wiredList([{ title: 'A', rows: rows(5, 'a') }, { title: 'B', rows: rows(5, 'b') }]).errors).toEqual([]);
      const eleven = Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}-`) }));
      expect(found(wiredList(eleven).errors)).toEqual([['section-count', 'l'], ['row-count', 'l']]);
      expect(found(wiredList([{ title: 'A', rows: rows(1) }, { title: 'B', rows: [] }]).errors)).toEqual([['empty-section', 'l']]);
    });

    it('section titles required when several and ≤ 24', () => {
      expect(found(wiredList([{ rows: rows(1, 'a') }, { title: 'B', rows: rows(1, 'b') }]).errors)).toEqual([['section-title-required', 'l']]);
      expect(wiredList([{ rows: rows(1) }]).errors).toEqual([]);
      expect(found(wiredList([{ title: long(LIMITS.list.sectionTitle + 1), rows: rows(1) }]).errors)).toEqual([['title-too-long', 'l']]);
    });

    it('row titles ≤ 24, descriptions ≤ 72, ids ≤ 200 and unique, button label ≤ 20', () => {
      expect(found(wiredList([{ rows: [{ id: 'a', title: long(LIMITS.list.rowTitle + 1) }] }]).errors)).toEqual([['title-too-long', 'l']]);
      expect(found(wiredList([{ rows: [{ id: 'a', title: 'A', description: long(LIMITS.list.rowDescription + 1) }] }]).errors)).toEqual([
        ['description-too-long', 'l'],
      ]);
      expect(found(wiredList([{ rows: [{ id: long(LIMITS.list.rowId + 1), title: 'A' }] }]).errors)).toEqual([['id-too-long', 'l']]);
      expect(wiredList([{ rows: [{ id: long(LIMITS.list.rowId), title: 'A' }] }]).errors).toEqual([]);
      expect(found(wiredList([{ title: 'A', rows: [{ id: 'a', title: 'A' }] }, { title: 'B', rows: [{ id: 'a', title: 'B' }] }]).errors)).toContainEqual([
        'duplicate-id',
        'l',
      ]);
      expect(found(wiredList([{ rows: rows(1) }], { buttonLabel: long(LIMITS.list.button + 1) }).errors)).toEqual([['button-label-too-long', 'l']]);
    });
  });

  it('text messages ≤ 4096 and present; questions, closing and re-prompt texts too', () => {
    expect(found(single(n('m', 'message', { text: long(LIMITS.textBody + 1) })).errors)).toEqual([['text-too-long', 'm']]);
    expect(single(n('m', 'message', { text: long(LIMITS.textBody) })).errors).toEqual([]);
    expect(found(single(n('m', 'message', { text: ' ' })).errors)).toEqual([['empty-text', 'm']]);
    expect(found(single(n('q', 'question', { text: 'Q', variable: 'v', invalidText: long(LIMITS.textBody + 1) })).errors)).toEqual([
      ['text-too-long', 'q'],
    ]);
    expect(found(single(n('x', 'end', { text: long(LIMITS.textBody + 1) }), []).errors)).toEqual([['text-too-long', 'x']]);
    expect(found(lint([n('s', 'start')], [], { endTexts: { invalid: long(LIMITS.textBody + 1) } }).errors)).toEqual([['text-too-long', null]]);
  });

  it('captions ≤ 1024 (and warns where WhatsApp shows none), cta texts, template names', () => {
    expect(found(single(n('md', 'media', { mediaType: 'image', mediaId: 'M', caption: long(LIMITS.mediaCaption + 1) })).errors)).toEqual([
      ['caption-too-long', 'md'],
    ]);
    expect(found(single(n('md', 'media', { mediaType: 'sticker', mediaId: 'M', caption: 'c' })).warnings)).toEqual([['media-field-ignored', 'md']]);
    expect(found(single(n('md', 'media', { mediaType: 'image', mediaId: 'M', filename: 'f' })).warnings)).toEqual([['media-field-ignored', 'md']]);
    expect(found(single(n('c', 'ctaUrl', { text: 'x', buttonText: long(LIMITS.ctaUrl.displayText + 1), url: 'https://x' })).errors)).toEqual([
      ['button-label-too-long', 'c'],
    ]);
    expect(found(single(n('t', 'template', { name: long(LIMITS.templateName + 1), language: 'en' })).errors)).toEqual([['template-name-too-long', 't']]);
  });

  it('measures interpolated texts without their placeholders: a warning that the sent text may be cut, an error only for the written text', () => {
    // {{first_product_name}} is 22 characters as written; its value may be shorter, and a longer one is cut
    const title = (text: string) => {
      const report = wiredButtons([{ id: 'a', title: text }, { id: 'b', title: 'None' }]);
      const ofTitle = (issues: LintReport['errors']) => issues.filter((issue) => issue.code === 'title-too-long');
      return { errors: ofTitle(report.errors), warnings: ofTitle(report.warnings) };
    };
    expect(title('{{first_product_name}}').errors).toEqual([]);
    expect(found(title('{{first_product_name}}').warnings)).toEqual([['title-too-long', 'b']]);
    expect(title('{{first_product_name}}').warnings[0]?.message).toContain('may be cut to 20 characters');
    expect(found(title(`${long(LIMITS.buttons.title + 1)} {{x}}`).errors)).toEqual([['title-too-long', 'b']]);
    expect(title(`${long(LIMITS.buttons.title + 1)} {{x}}`).errors[0]?.message).toContain('has 22 characters');
    expect(found(title(`{{x}}${long(LIMITS.buttons.title - 2)}`).warnings)).toEqual([['title-too-long', 'b']]);
    expect(title('{{x}}').warnings).toEqual([]);
    // a template name is not interpolated: braces in it count
    expect(found(single(n('t', 'template', { name: `{{${long(LIMITS.templateName)}}}`, language: 'en' })).errors)).toEqual([['template-name-too-long', 't']]);
  });

  it('reactions: one emoji, up to 16 UTF-16 units (the longest sequences), no spaces', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👨‍👩‍👧‍👦', '🧑🏻‍❤️‍💋‍🧑🏼']) expect(single(n('r', 'reaction', { emoji })).errors, emoji).toEqual([]);
    for (const emoji of ['👍👍', 'ok', ' ', '👍 ', '\u00a0👍', '👍'.repeat(LIMITS.reactionEmoji)]) {
      expect(found(single(n('r', 'reaction', { emoji })).errors), JSON.stringify(emoji)).toEqual([['invalid-emoji', 'r']]);
    }
  });
});

describe('lintDefinition: variables', () => {
  it('warns about a variable no path from the start has set', () => {
    const report = lint(
      [n('s', 'start'), n('m', 'message', { text: 'Hi {{name}} {{contact.name}} {{input}}' }), n('q', 'question', { text: 'Name?', variable: 'name' }), n('e', 'end', { text: 'Bye {{name}}' })],
      [['s', 'm'], ['m', 'q'], ['q', 'e']],
    );
    expect(found(report.warnings)).toEqual([['variable-used-before-set', 'm']]);
  });

  it('knows that invalid/timeout exits and http errors set nothing, and that isSet may test unset variables', () => {
    const report = lint(
      [
        n('s', 'start'),
        n('q', 'question', { text: 'Name?', variable: 'name' }),
        n('h', 'httpRequest', { method: 'GET', url: 'https://x', saveAs: { id: 'id' } }),
        n('c', 'condition', { match: 'all', rules: [{ left: '{{nick}}', op: 'isSet' }] }),
        n('ok', 'end', { text: '{{name}} {{id}}' }),
        n('inv', 'end', { text: 'Sorry {{name}}' }),
        n('err', 'end', { text: 'Failed {{id}}' }),
      ],
      [['s', 'q'], ['q', 'h'], ['q', 'inv', 'invalid'], ['h', 'c', 'success'], ['h', 'err', 'error'], ['c', 'ok', 'true'], ['c', 'ok', 'false']],
    );
    expect(found(report.warnings)).toEqual([['variable-used-before-set', 'inv'], ['variable-used-before-set', 'err']]);
  });

  it('accepts variables the caller predefines', () => {
    const nodes = [n('s', 'start'), n('e', 'end', { text: '{{plan}}' })];
    expect(found(lint(nodes, [['s', 'e']]).warnings)).toEqual([['variable-used-before-set', 'e']]);
    expect(lint(nodes, [['s', 'e']], undefined, { predefinedVariables: ['plan'] }).warnings).toEqual([]);
  });

  it('refuses to set the built-in names', () => {
    expect(found(single(n('v', 'setVariable', { variable: 'contact.name', value: 'x' })).errors)).toEqual([['reserved-variable', 'v']]);
    expect(found(single(n('q', 'question', { text: 'Q', variable: 'input' })).errors)).toEqual([['reserved-variable', 'q']]);
  });
});

describe('lintDefinition: time', () => {
  const hours = (h: number) => h * 3600;

  it('rejects a send after delays that add up to 24 hours since the last reply', () => {
    const report = lint(
      [n('s', 'start'), n('d1', 'delay', { seconds: hours(20) }), n('d2', 'delay', { seconds: hours(4) }), n('m', 'message', { text: 'late' }), n('t', 'template', { name: 'ok', language: 'en' })],
      [['s', 'd1'], ['d1', 'd2'], ['d2', 'm'], ['m', 't']],
    );
    expect(found(report.errors)).toEqual([['outside-service-window', 'm']]);
    expect(report.errors[0]?.message).toContain('24.0 h');
  });

  it('lets a template go out after a long delay, and a reply reset the clock', () => {
    const report = lint(
      [
        n('s', 'start'),
        n('d', 'delay', { seconds: hours(23) }),
        n('q', 'question', { text: 'Still there?', variable: 'x' }),
        n('d2', 'delay', { seconds: hours(23) }),
        n('t', 'template', { name: 'reminder', language: 'en' }),
        n('m', 'message', { text: 'fine' }),
      ],
      [['s', 'd'], ['d', 'q'], ['q', 'd2'], ['d2', 't'], ['t', 'm']],
    );
    expect(report.errors).toEqual([]);
    expect(found(lint([n('s', 'start'), n('d', 'delay', { seconds: hours(25) }), n('t', 'template', { name: 't', language: 'en' })], [['s', 'd'], ['d', 't']]).errors)).toEqual([]);
  });

  it('counts timeouts, including the closing text of an unwired timeout', () => {
    const viaTimeout = lint(
      [n('s', 'start'), n('d', 'delay', { seconds: hours(10) }), n('q', 'question', { text: 'Q', variable: 'x', timeoutSeconds: hours(15) }), n('m', 'message', { text: 'gone?' })],
      [['s', 'd'], ['d', 'q'], ['q', 'm', 'timeout'], ['q', 'm']],
    );
    expect(found(viaTimeout.errors)).toEqual([['outside-service-window', 'm']]);
    const closing = lint([n('s', 'start'), n('q', 'question', { text: 'Q', variable: 'x', timeoutSeconds: hours(30) }), n('e', 'end')], [['s', 'q'], ['q', 'e']]);
    expect(found(closing.errors)).toEqual([['outside-service-window', 'q']]);
    const silent = lint([n('s', 'start'), n('q', 'question', { text: 'Q', variable: 'x', timeoutSeconds: hours(30) }), n('e', 'end')], [['s', 'q'], ['q', 'e']], { endTexts: { timeout: '' } });
    expect(silent.errors).toEqual([]);
  });

  it('rejects a loop of delays with no reply in it', () => {
    const report = lint(
      [n('s', 'start'), n('d', 'delay', { seconds: 60 }), n('m', 'message', { text: 'ping' })],
      [['s', 'd'], ['d', 'm'], ['m', 'd']],
    );
    expect(found(report.errors)).toEqual([['unattended-loop', 'd'], ['outside-service-window', 'm']]);
  });

  it('reports loops that timers drive with no reply: an error when every round sends, else a warning', () => {
    const template = n('t', 'template', { name: 'reminder', language: 'en_US' });
    // start → template → delay 1 s → template: 1,000 timer firings sent 1,001 billed templates
    const reminders = lint([n('s', 'start'), template, n('d', 'delay', { seconds: 1 })], [['s', 't'], ['t', 'd'], ['d', 't']]);
    expect(found(reminders.errors)).toEqual([['unattended-loop', 't']]);
    expect(reminders.errors[0]?.message).toContain('"t", "d"');
    // a reply's timeout drives a loop as well as a delay does
    const nagging = lint([n('s', 'start'), n('q', 'question', { text: 'There?', variable: 'x', timeoutSeconds: 60 }), n('e', 'end')], [['s', 'q'], ['q', 'q', 'timeout'], ['q', 'e']]);
    expect(found(nagging.errors)).toContainEqual(['unattended-loop', 'q']);
    // a poll sends nothing: it may be meant to end, so a warning
    const polling = lint(
      [n('s', 'start'), n('h', 'httpRequest', { method: 'GET', url: 'https://x.example' }), n('d', 'delay', { seconds: 60 }), n('e', 'end')],
      [['s', 'h'], ['h', 'd', 'success'], ['h', 'e', 'error'], ['d', 'h']],
    );
    expect(polling.errors).toEqual([]);
    expect(found(polling.warnings)).toEqual([['unattended-loop', 'h']]);
    // a round that can go without sending: a warning too
    const sometimes = lint(
      [n('s', 'start'), n('d', 'delay', { seconds: 60 }), n('c', 'condition', { match: 'all', rules: [{ left: '{{contact.name}}', op: 'isSet' }] }), template],
      [['s', 'd'], ['d', 'c'], ['c', 't', 'true'], ['c', 'd', 'false'], ['t', 'd']],
    );
    expect(sometimes.errors).toEqual([]);
    expect(found(sometimes.warnings)).toEqual([['unattended-loop', 'd']]);
    // sending on every round, but a condition can leave it (a bounded series of reminders): a warning
    const bounded = lint(
      [n('s', 'start'), template, n('d', 'delay', { seconds: 60 }), n('c', 'condition', { match: 'all', rules: [{ left: '{{contact.name}}', op: 'isSet' }] }), n('e', 'end')],
      [['s', 't'], ['t', 'd'], ['d', 'c'], ['c', 't', 'false'], ['c', 'e', 'true']],
    );
    expect(bounded.errors).toEqual([]);
    expect(found(bounded.warnings)).toEqual([['unattended-loop', 't']]);
    // a reply in the loop ends it when none comes; a busy loop is reported once, as such
    const asking = lint(
      [n('s', 'start'), template, n('d', 'delay', { seconds: 60 }), n('q', 'question', { text: 'More?', variable: 'x' })],
      [['s', 't'], ['t', 'd'], ['d', 'q'], ['q', 't']],
    );
    expect(asking).toEqual({ errors: [], warnings: [] });
    const busy = lint([n('s', 'start'), n('a', 'message', { text: 'a' }), n('b', 'setVariable', { variable: 'x', value: '1' })], [['s', 'a'], ['a', 'b'], ['b', 'a']]);
    expect(found(busy.errors)).toEqual([['loop-without-wait', 'a']]);
  });

  it('warns about a delay or a reply timeout longer than the session timeout', () => {
    const report = lint([n('s', 'start'), n('d', 'delay', { seconds: 7200 }), n('t', 'template', { name: 't', language: 'en' })], [['s', 'd'], ['d', 't']], { sessionTimeoutMinutes: 60 });
    expect(found(report.warnings)).toContainEqual(['delay-exceeds-session-timeout', 'd']);
    // a 48 h wait for a reply with the default 24 h session: a reply at hour 30 finds it expired
    const waits = (timeoutSeconds: number) =>
      lint([n('s', 'start'), n('q', 'question', { text: 'Q', variable: 'x', timeoutSeconds }), n('e', 'end')], [['s', 'q'], ['q', 'e'], ['q', 'e', 'timeout']]);
    expect(found(waits(hours(48)).warnings)).toEqual([['timeout-exceeds-session-timeout', 'q']]);
    expect(waits(hours(24)).warnings).toEqual([]);
  });
});

describe('lintDefinition: node rules', () => {
  it('rejects patterns RE2 cannot run, in questions and conditions', () => {
    expect(found(single(n('q', 'question', { text: 'Q', variable: 'v', validation: { type: 'regex', pattern: '(a' } })).errors)).toEqual([['invalid-regex', 'q']]);
    const condition = n('c', 'condition', { match: 'all', rules: [{ left: 'x', op: 'regex', right: '(?<!a)b' }] });
    expect(found(single(condition, [['end', 'true'], ['end', 'false']]).errors)).toEqual([['invalid-regex', 'c']]);
  });

  it('rejects a pattern whose compiled program is too large to run on every message, saying why', () => {
    const pattern = '(?:.?){1000}(?:.?){1000}(?:.?){1000}(?:.?){1000}(?:.?){900}';
    const report = single(n('q', 'question', { text: 'Q', variable: 'v', validation: { type: 'regex', pattern } }));
    expect(found(report.errors)).toEqual([['invalid-regex', 'q']]);
    expect(report.errors[0]?.message).toContain('compiles to 9,802 instructions, at most 1,000 are allowed');
  });

  it('rejects min above max, zero weights; warns about empty conditions, capped timeouts and GET bodies', () => {
    expect(found(single(n('q', 'question', { text: 'Q', variable: 'v', validation: { type: 'number', min: 5, max: 1 } })).errors)).toEqual([['invalid-bounds', 'q']]);
    expect(found(single(n('r', 'randomSplit', { branches: [{ id: 'a', weight: 0 }] }), [['end', 'a']]).errors)).toEqual([['zero-weights', 'r']]);
    expect(found(single(n('r', 'randomSplit', { branches: [] }), []).errors)).toEqual([['no-branches', 'r']]);
    expect(found(single(n('c', 'condition', { match: 'any', rules: [] }), [['end', 'true'], ['end', 'false']]).warnings)).toEqual([['no-rules', 'c']]);
    const http = single(n('h', 'httpRequest', { method: 'GET', url: 'https://x', body: 'b', timeoutMs: 60_000 }), [['end', 'success']]);
    expect(found(http.warnings)).toEqual([['http-timeout-capped', 'h'], ['http-body-ignored', 'h']]);
  });

  it('rejects links that are not http(s) URLs with a host, reading placeholders as any value', () => {
    const cta = (url: string) => single(n('c', 'ctaUrl', { text: 'Our sale', buttonText: 'Open', url }));
    const image = (url: string) => single(n('m', 'media', { mediaType: 'image', url }));
    const request = (url: string) => single(n('h', 'httpRequest', { method: 'GET', url }), [['end', 'success']]);
    expect(found(cta('www.shop.example/sale').errors)).toEqual([['invalid-url', 'c']]);
    expect(found(image('images/cat.png').errors)).toEqual([['invalid-url', 'm']]);
    expect(found(request('ftp://files.example/x').errors)).toEqual([['invalid-url', 'h']]);
    for (const url of ['mailto:{{email}}', 'https://', 'http:{{host}}/x', '{{']) expect(found(cta(url).errors), url).toEqual([['invalid-url', 'c']]);
    for (const url of ['https://shop.example/sale', ' HTTP://shop.example ', 'https://{{host}}/x', 'https://shop.example/{{path}}?q={{q}}', 'https://{{sub}}.shop.example:{{port}}', '{{link}}', '{{base}}/sale']) {
      expect(cta(url).errors, url).toEqual([]);
    }
    expect(request('https://{{secrets.HOST}}/v1').errors).toEqual([]);
  });

  it('rejects a request that uses a secret while a placeholder chooses its host: the engine never sends it', () => {
    const request = (data: Record<string, unknown>) => single(n('h', 'httpRequest', { method: 'POST', ...data }), [['end', 'success']]);
    const withKey = { headers: { Authorization: 'Bearer {{secrets.KEY}}' } };
    for (const url of ['https://{{shop}}.example/v1', 'https://api.example:{{port}}/v1', '{{base}}/v1', 'https://{{user}}@api.example/v1']) {
      expect(found(request({ url, ...withKey }).errors), url).toEqual([['secret-to-chosen-host', 'h']]);
    }
    expect(found(request({ url: 'https://{{shop}}.example/v1', body: { token: '{{secrets.KEY}}' } }).errors)).toEqual([['secret-to-chosen-host', 'h']]);
    // The host a secret names, values only in the path or query, or no secret at all: fine.
    expect(request({ url: 'https://{{secrets.HOST}}/v1/{{id}}?q={{q}}', ...withKey }).errors).toEqual([]);
    expect(request({ url: 'https://{{shop}}.example/v1' }).errors).toEqual([]);
  });

  it('rejects a template button component without sub_type or index, which Meta refuses', () => {
    const template = (components: unknown[]) => single(n('t', 'template', { name: 'order_update', language: 'en_US', components }));
    const body = { type: 'body', parameters: [{ type: 'text', text: 'x' }] };
    const button = { type: 'button', parameters: [{ type: 'text', text: 'x' }] };
    expect(found(template([body, button]).errors)).toEqual([['template-button-incomplete', 't']]);
    expect(template([body, { ...button, sub_type: 'url' }]).errors[0]?.message).toContain('button component 2 needs sub_type and index');
    expect(template([body, { ...button, sub_type: 'url', index: 0 }]).errors).toEqual([]);
  });
});

it('never throws on the fixture with every node type, wired or not', () => {
  expect(() => lintDefinition(parsed({ nodes: EVERY_NODE, edges: [] }))).not.toThrow();
});
