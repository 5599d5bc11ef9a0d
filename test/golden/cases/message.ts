/** message (next), start (next), end without text; interpolation of contact fields and missing variables. */
import { type GoldenCase, flow, node, says, text } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'texts in order, placeholders filled, a missing variable renders empty',
    trigger: 'golden message',
    phone: '15558000001',
    flow: flow(
      [
        node('start', 'start'),
        node('hello', 'message', { text: 'Hi {{contact.name}}, you write from {{contact.phone}}.' }),
        node('missing', 'message', { text: 'Nothing here: [{{nobody}}]' }),
        node('link', 'message', { text: 'Docs: https://example.com/docs', previewUrl: true }),
        node('done', 'end'),
      ],
      [['start', 'hello'], ['hello', 'missing'], ['missing', 'link'], ['link', 'done']],
    ),
    script: [
      {
        send: says('golden message'),
        expect: [
          text('Hi Ana, you write from 15558000001.'),
          text('Nothing here: []'),
          { type: 'text', text: { body: 'Docs: https://example.com/docs', preview_url: true } },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
  {
    name: 'an unwired next ends the flow after the last message',
    trigger: 'golden message natural end',
    flow: flow([node('start', 'start'), node('only', 'message', { text: 'That is all.' })], [['start', 'only']]),
    script: [{ send: says('golden message natural end'), expect: [text('That is all.')] }],
    finalSessions: [{ status: 'Completed', node: 'only' }],
  },
];
