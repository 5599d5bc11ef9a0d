import { describe, expect, it } from 'vitest';
import { validateMessagesRequest } from '../../../src/simulator/validation.js';
import { LIMITS } from '../../../src/whatsapp/limits.js';

type Json = Record<string, unknown>;

const envelope = (content: Json): Json => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '15551234567', ...content });

const buttonsBody = (buttons: unknown, extra: Json = {}): Json =>
  envelope({ type: 'interactive', interactive: { type: 'button', body: { text: 'Choose' }, action: { buttons }, ...extra } });

const reply = (id: string, title: string): Json => ({ type: 'reply', reply: { id, title } });

const listBody = (sections: unknown, extra: Json = {}): Json =>
  envelope({ type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Options', sections, ...extra } } });

const templateBody = (components: unknown): Json => envelope({ type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components } });

const rows = (count: number, prefix: string): Json[] => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: `${prefix} ${i}` }));

describe('validateMessagesRequest: accepted', () => {
  it.each<[string, Json]>([
    ['text', envelope({ type: 'text', text: { body: 'hi' } })],
    ['text without type (Meta defaults to text)', envelope({ text: { body: 'hi' } })],
    ['text of exactly the limit in emoji', envelope({ type: 'text', text: { body: '😀'.repeat(LIMITS.textBody) } })],
    ['buttons at every limit', buttonsBody([reply('a'.repeat(256), 'T'.repeat(20)), reply('b', 'U'), reply('c', 'V')], { header: { type: 'text', text: 'H'.repeat(60) }, footer: { text: 'F'.repeat(60) } })],
    ['buttons with an image header', buttonsBody([reply('a', 'A')], { header: { type: 'image', image: { link: 'https://x.test/a.png' } } })],
    ['a list at every limit', listBody([{ title: 'S'.repeat(24), rows: [{ id: 'i'.repeat(200), title: 't'.repeat(24), description: 'd'.repeat(72) }, ...rows(4, 'a')] }, { title: 'B', rows: rows(5, 'b') }])],
    ['a list with one untitled section', listBody([{ rows: rows(1, 'a') }])],
    ['an image by id', envelope({ type: 'image', image: { id: '123', caption: 'c'.repeat(1024) } })],
    ['a document by link', envelope({ type: 'document', document: { link: 'http://x.test/a.pdf', filename: 'a.pdf' } })],
    ['a template', envelope({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })],
    [
      'a template with every kind of component, names in any case',
      templateBody([
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.test/a.png' } }] },
        { type: 'BODY', parameters: [{ type: 'text', text: 'Jane' }, { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } }] },
        { type: 'button', sub_type: 'QUICK_REPLY', index: 0, parameters: [{ type: 'payload', payload: 'STOP' }] },
        { type: 'Button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-17' }] },
        { type: 'button', sub_type: 'flow', index: '2' },
      ]),
    ],
    ['a voice note', envelope({ type: 'audio', audio: { id: '123', voice: true } })],
    ['a location in numeric strings, as Meta documents', envelope({ type: 'location', location: { latitude: '37.4850729', longitude: '-122.1527671' } })],
    ['a reaction removal', envelope({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } })],
    ['a reaction', envelope({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } })],
    ['a reaction with a ten-code-point emoji', envelope({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '🧑🏻‍❤️‍💋‍🧑🏼' } })],
    ['a location', envelope({ type: 'location', location: { latitude: -90, longitude: 180 } })],
    ['contacts', envelope({ type: 'contacts', contacts: [{ name: { formatted_name: 'John' } }] })],
    ['a reply with context and callback data', envelope({ type: 'text', text: { body: 'hi' }, context: { message_id: 'wamid.X' }, biz_opaque_callback_data: 'x'.repeat(512) })],
  ])('%s', (_case, body) => {
    expect(validateMessagesRequest(body)).toMatchObject({ kind: 'send', to: '15551234567' });
  });

  it('recognises mark-as-read, with and without typing', () => {
    const read = { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' };
    expect(validateMessagesRequest(read)).toEqual({ kind: 'read', messageId: 'wamid.X', typing: false });
    expect(validateMessagesRequest({ ...read, typing_indicator: { type: 'text' } })).toEqual({ kind: 'read', messageId: 'wamid.X', typing: true });
  });
});

describe('validateMessagesRequest: refused', () => {
  it.each<[string, unknown, number, RegExp]>([
    ['a body that is not an object', [1], 100, /JSON object/],
    ['no messaging_product', { to: '1', text: { body: 'x' } }, 100, /parameter messaging_product is required/],
    ['another messaging_product', { messaging_product: 'sms', to: '1' }, 100, /messaging_product must be whatsapp/],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100, /parameter to is required/],
    ['an unknown type', envelope({ type: 'poll', poll: {} }), 100, /type must be one of/],
    ['a type without its object', envelope({ type: 'image' }), 100, /parameter image is required/],
    ['a text without body', envelope({ type: 'text', text: {} }), 131008, /text\.body is required/],
    ['a text body that is not a string', envelope({ type: 'text', text: { body: 5 } }), 100, /text\.body must be a string/],
    ['a text over 4096', envelope({ type: 'text', text: { body: 'x'.repeat(4097) } }), 131009, /Message body length invalid. Min length: 1, Max length: 4096/],
    ['no buttons', buttonsBody([]), 131009, /Invalid buttons count/],
    ['four buttons', buttonsBody([reply('a', 'A'), reply('b', 'B'), reply('c', 'C'), reply('d', 'D')]), 131009, /Max allowed buttons: 3/],
    ['a 21-character button title', buttonsBody([reply('a', 'x'.repeat(21))]), 131009, /Button title length invalid. Min length: 1, Max length: 20/],
    ['an empty button title', buttonsBody([reply('a', '')]), 131009, /Button title length invalid/],
    ['a 257-character button id', buttonsBody([reply('a'.repeat(257), 'A')]), 131009, /Button id length invalid/],
    ['duplicate button titles', buttonsBody([reply('a', 'Same'), reply('b', 'Same')]), 131009, /Button titles must be unique/],
    ['duplicate button ids', buttonsBody([reply('a', 'One'), reply('a', 'Two')]), 131009, /Button ids must be unique/],
    ['a button that is not a reply', buttonsBody([{ type: 'url', reply: { id: 'a', title: 'A' } }]), 131009, /Button type must be reply/],
    ['a 1025-character body', buttonsBody([reply('a', 'A')], { body: { text: 'b'.repeat(1025) } }), 131009, /Body text length invalid.*1024/],
    ['no body', buttonsBody([reply('a', 'A')], { body: undefined }), 131008, /interactive\.body\.text is required/],
    ['a 61-character header', buttonsBody([reply('a', 'A')], { header: { type: 'text', text: 'h'.repeat(61) } }), 131009, /Header text length invalid/],
    ['an unknown header type', buttonsBody([reply('a', 'A')], { header: { type: 'audio' } }), 131009, /Header type must be one of/],
    [
      'a list with an image header',
      envelope({
        type: 'interactive',
        interactive: { type: 'list', header: { type: 'image', image: { link: 'https://x.test/a.png' } }, body: { text: 'Pick' }, action: { button: 'Options', sections: [{ rows: rows(1, 'r') }] } },
      }),
      131009,
      /Header type of a list must be text/,
    ],
    ['a 61-character footer', buttonsBody([reply('a', 'A')], { footer: { text: 'f'.repeat(61) } }), 131009, /Footer text length invalid/],
    ['no action', envelope({ type: 'interactive', interactive: { type: 'button', body: { text: 'x' } } }), 131008, /interactive\.action is required/],
    ['an unknown interactive type', envelope({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' } } }), 131009, /Interactive type must be one of/],
    ['11 rows', listBody([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]), 131009, /Total row count exceed max allowed count: 10/],
    ['11 sections', listBody(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }))), 131009, /Max allowed sections: 10/],
    ['an empty section', listBody([{ title: 'A', rows: [] }]), 131009, /Invalid rows count/],
    ['untitled sections among several', listBody([{ rows: rows(1, 'a') }, { title: 'B', rows: rows(1, 'b') }]), 131008, /sections\[0\]\.title is required/],
    ['a 25-character section title', listBody([{ title: 's'.repeat(25), rows: rows(1, 'a') }]), 131009, /Section title length invalid/],
    ['a 25-character row title', listBody([{ rows: [{ id: 'a', title: 't'.repeat(25) }] }]), 131009, /Row title length invalid.*24/],
    ['a 73-character row description', listBody([{ rows: [{ id: 'a', title: 'A', description: 'd'.repeat(73) }] }]), 131009, /Row description length invalid.*72/],
    ['a 201-character row id', listBody([{ rows: [{ id: 'i'.repeat(201), title: 'A' }] }]), 131009, /Row id length invalid/],
    ['duplicate row ids', listBody([{ title: 'A', rows: rows(2, 'a') }, { title: 'B', rows: rows(1, 'a') }]), 131009, /Row ids must be unique/],
    ['a 21-character list button', listBody([{ rows: rows(1, 'a') }], { button: 'b'.repeat(21) }), 131009, /Button text length invalid/],
    [
      'a cta_url with a bad URL',
      envelope({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'ftp://x' } } } }),
      100,
      /url must be a valid http\(s\) URL/,
    ],
    [
      'a cta_url with a 21-character display text',
      envelope({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: 'd'.repeat(21), url: 'https://x.test' } } } }),
      131009,
      /Display text length invalid/,
    ],
    ['media with both id and link', envelope({ type: 'image', image: { id: '1', link: 'https://x.test/a.png' } }), 100, /either id or link/],
    ['media with neither id nor link', envelope({ type: 'video', video: { caption: 'x' } }), 100, /either id or link/],
    ['a caption over 1024', envelope({ type: 'image', image: { id: '1', caption: 'c'.repeat(1025) } }), 131009, /Caption length invalid/],
    ['a template without language', envelope({ type: 'template', template: { name: 'x' } }), 131008, /template\.language\.code is required/],
    ['a template without name', envelope({ type: 'template', template: { language: { code: 'en' } } }), 131008, /template\.name is required/],
    ['a template component that is not an object', templateBody([5]), 100, /template\.components\[0\] must be an object/],
    ['a template component without type', templateBody([{ parameters: [] }]), 131008, /template\.components\[0\]\.type is required/],
    ['a template component of an unknown type', templateBody([{ type: 'footer' }]), 100, /components\[0\]\.type must be one of header, body, button/],
    ['a template button without sub_type', templateBody([{ type: 'body' }, { type: 'button', index: '0', parameters: [{ type: 'text', text: 'x' }] }]), 131008, /components\[1\]\.sub_type is required/],
    ['a template button of an unknown sub_type', templateBody([{ type: 'button', sub_type: 'phone_number', index: '0' }]), 100, /sub_type must be one of .*quick_reply/],
    ['a template button without index', templateBody([{ type: 'button', sub_type: 'url', parameters: [{ type: 'text', text: 'x' }] }]), 131008, /components\[0\]\.index is required/],
    ['a template button index past the tenth', templateBody([{ type: 'button', sub_type: 'quick_reply', index: '10' }]), 100, /components\[0\]\.index must be/],
    ['template parameters that are not an array', templateBody([{ type: 'body', parameters: { type: 'text', text: 'x' } }]), 100, /components\[0\]\.parameters must be an array/],
    ['a template parameter that is not an object', templateBody([{ type: 'body', parameters: ['Jane'] }]), 100, /parameters\[0\] must be an object/],
    ['a template parameter of an unknown type', templateBody([{ type: 'body', parameters: [{ type: 'emoji', emoji: 'x' }] }]), 100, /parameters\[0\]\.type must be one of/],
    ['a template parameter without its value', templateBody([{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'TEXT', value: 'b' }] }]), 131008, /parameters\[1\]\.text is required/],
    ['template components that are not an array', envelope({ type: 'template', template: { name: 'x', language: { code: 'en' }, components: {} } }), 100, /template\.components must be an array/],
    ['a caption on audio', envelope({ type: 'audio', audio: { id: '1', caption: 'x' } }), 100, /Unexpected key "caption" on param "audio"/],
    ['a caption on a sticker', envelope({ type: 'sticker', sticker: { link: 'https://x.test/a.webp', caption: 'x' } }), 100, /Unexpected key "caption" on param "sticker"/],
    ['a filename on an image', envelope({ type: 'image', image: { id: '1', filename: 'a.png' } }), 100, /Unexpected key "filename" on param "image"/],
    ['a filename on a header video', buttonsBody([reply('a', 'A')], { header: { type: 'video', video: { id: '1', filename: 'a.mp4' } } }), 100, /Unexpected key "filename" on param "interactive\.header\.video"/],
    ['a voice flag that is not a boolean', envelope({ type: 'audio', audio: { id: '1', voice: 'yes' } }), 100, /audio\.voice must be a boolean/],
    ['a reaction without emoji', envelope({ type: 'reaction', reaction: { message_id: 'wamid.X' } }), 131008, /reaction\.emoji is required/],
    ['a reaction without message_id', envelope({ type: 'reaction', reaction: { emoji: '👍' } }), 131008, /reaction\.message_id is required/],
    ['a reaction emoji over the limit', envelope({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍'.repeat(LIMITS.reactionEmoji + 1) } }), 131009, /Emoji length invalid/],
    ['a latitude out of range', envelope({ type: 'location', location: { latitude: 91, longitude: 0 } }), 131009, /location\.latitude/],
    ['a latitude string out of range', envelope({ type: 'location', location: { latitude: '-90.5', longitude: 0 } }), 131009, /location\.latitude/],
    ['a longitude that is no number', envelope({ type: 'location', location: { latitude: 0, longitude: '12 E' } }), 131009, /location\.longitude/],
    ['an empty longitude', envelope({ type: 'location', location: { latitude: 0, longitude: '' } }), 131009, /location\.longitude/],
    ['empty contacts', envelope({ type: 'contacts', contacts: [] }), 100, /non-empty array/],
    ['a context without message_id', envelope({ type: 'text', text: { body: 'x' }, context: {} }), 100, /context\.message_id/],
    ['callback data over 512 bytes', envelope({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'é'.repeat(257) }), 131009, /biz_opaque_callback_data/],
    ['a read without message_id', { messaging_product: 'whatsapp', status: 'read' }, 100, /parameter message_id is required/],
    ['a status other than read', { messaging_product: 'whatsapp', status: 'delivered', message_id: 'x' }, 100, /status must be read/],
    ['a typing indicator of another type', { messaging_product: 'whatsapp', status: 'read', message_id: 'x', typing_indicator: { type: 'audio' } }, 100, /typing_indicator/],
  ])('%s', (_case, body, code, details) => {
    const result = validateMessagesRequest(body);
    expect(result).toMatchObject({ kind: 'invalid', code });
    expect(result.kind === 'invalid' && result.details).toMatch(details);
  });
});
