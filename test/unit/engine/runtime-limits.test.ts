/** Text that grows at run time is cut to WhatsApp's limits; counts and ids that break them error the session. */
import { describe, expect, it } from 'vitest';
import { fitText } from '../../../src/engine/fit.js';
import { LIMITS } from '../../../src/whatsapp/limits.js';
import { T0, flow, limitViolations, node, play, start, state } from './helpers.js';

const long = 'Ü'.repeat(5000);
const from = state({ variables: { long, same: 'Same title' } });

function firstSend(nodeDef: ReturnType<typeof node>) {
  const played = play(flow([node('s', 'start'), nodeDef], [['s', nodeDef.id]]), [[T0, start()]], { from });
  return { played, effect: played.effects[0] };
}

describe('fitText', () => {
  it('keeps text that fits and cuts the rest with an ellipsis, between graphemes', () => {
    expect(fitText('hello', 5)).toBe('hello');
    expect(fitText('hello world', 8)).toBe('hello w…');
    expect(fitText('ab 👍🏽👍🏽', 8)).toBe('ab 👍🏽…');
    expect(fitText('ab 👍🏽👍🏽', 7)).toBe('ab…');
    expect(fitText('a'.repeat(30), 20)).toHaveLength(20);
  });
});

describe('interactive content never breaks a limit', () => {
  it('cuts interpolated body, header, footer and titles; dedupes titles; falls back for blank ones', () => {
    const { effect } = firstSend(
      node('b', 'buttons', {
        text: '{{long}}',
        header: '{{long}}',
        footer: '{{long}}',
        buttons: [
          { id: 'a', title: '{{same}}' },
          { id: 'b', title: '{{same}}' },
          { id: 'c', title: '{{missing}}' },
        ],
      }),
    );
    expect(effect).toMatchObject({ kind: 'send' });
    if (effect?.kind !== 'send' || effect.message.type !== 'interactive' || effect.message.interactive.type !== 'button') throw new Error('no buttons');
    const { interactive } = effect.message;
    expect(limitViolations(effect.message)).toEqual([]);
    expect(interactive.body.text).toHaveLength(LIMITS.interactiveBody);
    expect(interactive.body.text.endsWith('…')).toBe(true);
    expect(interactive.action.buttons.map((b) => b.reply.title)).toEqual(['Same title', 'Same title (2)', 'Option 3']);
  });

  it('cuts list rows, descriptions, section titles and the button label', () => {
    const { effect } = firstSend(
      node('l', 'list', {
        text: 'Pick',
        buttonLabel: '{{long}}',
        sections: [{ title: '{{long}}', rows: [{ id: 'r', title: '{{long}}', description: '{{long}}' }] }],
      }),
    );
    if (effect?.kind !== 'send') throw new Error('no send');
    expect(limitViolations(effect.message)).toEqual([]);
  });

  it('cuts text messages to 4096 and cta texts to their limits', () => {
    const text = firstSend(node('m', 'message', { text: '{{long}}' })).effect;
    if (text?.kind !== 'send' || text.message.type !== 'text') throw new Error('no text');
    expect(text.message.text.body).toHaveLength(LIMITS.textBody);
    const cta = firstSend(node('c', 'ctaUrl', { text: '{{long}}', buttonText: '{{long}}', url: 'https://x.example' })).effect;
    if (cta?.kind !== 'send') throw new Error('no cta');
    expect(limitViolations(cta.message)).toEqual([]);
  });

  it('errors the session instead of sending too many buttons, too many rows or duplicate ids', () => {
    const four = firstSend(node('b', 'buttons', { text: 'x', buttons: ['1', '2', '3', '4'].map((id) => ({ id, title: id })) }));
    expect(four.played.effects).toEqual([]);
    expect(four.played.state).toMatchObject({ status: 'Errored', error: '"b": has 4 buttons; WhatsApp allows 1 to 3' });

    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const eleven = firstSend(node('l', 'list', { text: 'x', buttonLabel: 'Go', sections: [{ rows }] }));
    expect(eleven.played.state).toMatchObject({ status: 'Errored', error: '"l": has 11 rows; WhatsApp allows 10 in all' });

    const dup = firstSend(node('b', 'buttons', { text: 'x', buttons: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] }));
    expect(dup.played.state).toMatchObject({ status: 'Errored', error: '"b": choice id "a" is used twice' });

    const longId = firstSend(node('b', 'buttons', { text: 'x', buttons: [{ id: 'i'.repeat(257), title: 'A' }] }));
    expect(longId.played.state.status).toBe('Errored');
  });
});
