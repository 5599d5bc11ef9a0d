/** Golden tests: the nodes that send or jump without waiting. */
import { describe, expect, it } from 'vitest';
import { CONTACT, T0, flow, node, play, says, send, sendText, start, state } from './helpers.js';

describe('start + message', () => {
  it('sends each message in order and completes at an unwired next', () => {
    const def = flow(
      [node('s', 'start'), node('a', 'message', { text: 'Hi {{contact.name}}!' }), node('b', 'message', { text: 'Your number: {{ contact.phone }}', previewUrl: true })],
      [['s', 'a'], ['a', 'b']],
    );
    const played = play(def, [[T0, start(null)]]);
    expect(played.steps).toEqual([
      {
        effects: [
          sendText('Hi Ana!'),
          send({ type: 'text', text: { body: `Your number: ${CONTACT.phone}`, preview_url: true } }),
        ],
        state: state({ status: 'Completed', currentNodeId: 'b' }),
      },
    ]);
  });

  it('renders {{input}} from the triggering message and skips a text that renders empty', () => {
    const def = flow(
      [node('s', 'start'), node('a', 'message', { text: '{{nothing}}' }), node('b', 'message', { text: 'You said: {{input}}' })],
      [['s', 'a'], ['a', 'b']],
    );
    const played = play(def, [[T0, start({ type: 'text', text: 'hola', reply: null, replyTo: null })]]);
    expect(played.effects).toEqual([sendText('You said: hola')]);
    expect(played.state).toEqual(state({ status: 'Completed', currentNodeId: 'b', lastInput: 'hola' }));
  });
});

describe('media', () => {
  it('sends by link (interpolated) with caption, and by media id', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('img', 'media', { mediaType: 'image', url: 'https://cdn.example/{{sku}}.png', caption: 'Item {{sku}}' }),
        node('doc', 'media', { mediaType: 'document', mediaId: 'MEDIA1', filename: 'menu.pdf', caption: 'Menu' }),
        node('aud', 'media', { mediaType: 'audio', mediaId: 'MEDIA2', caption: 'dropped', filename: 'dropped' }),
      ],
      [['s', 'img'], ['img', 'doc'], ['doc', 'aud']],
    );
    const played = play(def, [[T0, start()]], { from: state({ variables: { sku: 'A7' } }) });
    expect(played.effects).toEqual([
      send({ type: 'image', image: { link: 'https://cdn.example/A7.png', caption: 'Item A7' } }),
      send({ type: 'document', document: { id: 'MEDIA1', caption: 'Menu', filename: 'menu.pdf' } }),
      send({ type: 'audio', audio: { id: 'MEDIA2' } }),
    ]);
    expect(played.state.status).toBe('Completed');
  });

  it('errors the session when the link renders empty', () => {
    const def = flow([node('s', 'start'), node('img', 'media', { mediaType: 'image', url: '{{missing}}' })], [['s', 'img']]);
    expect(play(def, [[T0, start()]]).state).toEqual(
      state({ status: 'Errored', currentNodeId: 'img', error: '"img": the media url is empty' }),
    );
  });
});

describe('template', () => {
  it('sends the template with interpolated parameters', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('t', 'template', {
          name: 'order_update',
          language: 'es',
          components: [
            { type: 'body', parameters: [{ type: 'text', text: '{{contact.name}}' }, { type: 'text', text: '{{order}}' }] },
            { type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: '{{order}}' }] },
          ],
        }),
        node('t2', 'template', { name: 'hello_world', language: 'en_US' }),
      ],
      [['s', 't'], ['t', 't2']],
    );
    const played = play(def, [[T0, start()]], { from: state({ variables: { order: '#42' } }) });
    expect(played.effects).toEqual([
      send({
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'es' },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '#42' }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '#42' }] },
          ],
        },
      }),
      send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }),
    ]);
  });
});

describe('template parameters', () => {
  /** The parameters sent for these texts, with these variables. */
  function parametersFor(texts: string[], variables: Record<string, string>) {
    const def = flow(
      [node('s', 'start'), node('t', 'template', { name: 'reminder', language: 'en', components: [{ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) }] })],
      [['s', 't']],
    );
    const [effect] = play(def, [[T0, start()]], { from: state({ variables }) }).effects;
    if (effect?.kind !== 'send' || effect.message.type !== 'template') throw new Error('no template sent');
    return effect.message.template.components?.[0]?.parameters.map((parameter) => parameter.text);
  }

  it('are sent without line breaks, tabs or more than 4 spaces in a row, which Meta refuses (132018)', () => {
    const variables = { address: 'Calle Mayor 1\n2º B\r\n28013\tMadrid', note: 'a    b     c          d' };
    expect(parametersFor(['{{address}}', '{{note}}'], variables)).toEqual(['Calle Mayor 1 2º B 28013 Madrid', 'a    b c d']);
  });

  it('are never empty: a parameter that renders blank is sent as "-"', () => {
    expect(parametersFor(['{{missing}}', ' {{blank}} ', '{{name}}'], { blank: ' \n ', name: 'Ana' })).toEqual(['-', '-', 'Ana']);
  });
});

describe('setVariable', () => {
  it('stores the interpolated value for later nodes', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('v', 'setVariable', { variable: 'greeting', value: 'Hello {{contact.name}}' }),
        node('m', 'message', { text: '{{greeting}}!' }),
      ],
      [['s', 'v'], ['v', 'm']],
    );
    const played = play(def, [[T0, start()]]);
    expect(played.effects).toEqual([sendText('Hello Ana!')]);
    expect(played.state.variables).toEqual({ greeting: 'Hello Ana' });
  });
});

describe('end', () => {
  it('says goodbye and completes', () => {
    const def = flow([node('s', 'start'), node('e', 'end', { text: 'Bye {{contact.name}}' })], [['s', 'e']]);
    expect(play(def, [[T0, start()]]).steps).toEqual([
      { effects: [sendText('Bye Ana')], state: state({ status: 'Completed', currentNodeId: 'e' }) },
    ]);
  });

  it('completes silently without text', () => {
    const def = flow([node('s', 'start'), node('e', 'end')], [['s', 'e']]);
    expect(play(def, [[T0, start()]]).steps).toEqual([{ effects: [], state: state({ status: 'Completed', currentNodeId: 'e' }) }]);
  });
});

describe('handoff', () => {
  it('hands off (optionally with a text) and then ignores the user', () => {
    const def = flow([node('s', 'start'), node('h', 'handoff', { text: 'A person will answer soon.' })], [['s', 'h']]);
    const played = play(def, [[T0, start()], [T0 + 1000, says('hello?')]]);
    expect(played.steps).toEqual([
      { effects: [sendText('A person will answer soon.')], state: state({ status: 'Handoff', currentNodeId: 'h' }) },
      { effects: [], state: state({ status: 'Handoff', currentNodeId: 'h' }) },
    ]);
  });

  it('hands off silently without text', () => {
    const def = flow([node('s', 'start'), node('h', 'handoff')], [['s', 'h']]);
    expect(play(def, [[T0, start()]]).steps).toEqual([{ effects: [], state: state({ status: 'Handoff', currentNodeId: 'h' }) }]);
  });
});

describe('goto', () => {
  it('jumps to a node of the flow', () => {
    const def = flow(
      [node('s', 'start'), node('g', 'goto', { nodeId: 'm' }), node('m', 'message', { text: 'landed' })],
      [['s', 'g']],
    );
    expect(play(def, [[T0, start()]]).steps).toEqual([
      { effects: [sendText('landed')], state: state({ status: 'Completed', currentNodeId: 'm' }) },
    ]);
  });

  it('starts another flow and completes this session', () => {
    const def = flow(
      [node('s', 'start'), node('m', 'message', { text: 'switching' }), node('g', 'goto', { flowId: 'flow-2' })],
      [['s', 'm'], ['m', 'g']],
    );
    expect(play(def, [[T0, start()]]).steps).toEqual([
      {
        effects: [sendText('switching'), { kind: 'startFlow', flowId: 'flow-2' }],
        state: state({ status: 'Completed', currentNodeId: 'g' }),
      },
    ]);
  });

  it('errors the session when the target node does not exist', () => {
    const def = flow([node('s', 'start'), node('g', 'goto', { nodeId: 'nowhere' })], [['s', 'g']]);
    expect(play(def, [[T0, start()]]).state).toEqual(
      state({ status: 'Errored', currentNodeId: 'g', error: '"g" goes to "nowhere", which does not exist' }),
    );
  });
});

describe('ctaUrl', () => {
  it('sends a cta_url interactive message', () => {
    const def = flow(
      [
        node('s', 'start'),
        node('c', 'ctaUrl', { text: 'Track order {{order}}', header: 'Orders', footer: 'Thanks', buttonText: 'Track', url: 'https://shop.example/t/{{order}}' }),
      ],
      [['s', 'c']],
    );
    const played = play(def, [[T0, start()]], { from: state({ variables: { order: '42' } }) });
    expect(played.effects).toEqual([
      send({
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          header: { type: 'text', text: 'Orders' },
          body: { text: 'Track order 42' },
          footer: { text: 'Thanks' },
          action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://shop.example/t/42' } },
        },
      }),
    ]);
  });
});

describe('location', () => {
  it('sends a location pin', () => {
    const def = flow(
      [node('s', 'start'), node('l', 'location', { latitude: 40.4168, longitude: -3.7038, name: 'Shop', address: '{{street}}' })],
      [['s', 'l']],
    );
    expect(play(def, [[T0, start()]]).effects).toEqual([
      send({ type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Shop' } }),
    ]);
  });
});
