/** media (next): every media type, by link and by uploaded id; captions only where WhatsApp shows them. */
import { type GoldenCase, flow, node, says } from '../support.js';

export const cases: GoldenCase[] = [
  {
    name: 'image, video, document, audio and sticker',
    trigger: 'golden media',
    flow: flow(
      [
        node('start', 'start'),
        node('photo', 'media', { mediaType: 'image', url: 'https://cdn.example.com/{{contact.name}}.jpg', caption: 'For {{contact.name}}' }),
        node('clip', 'media', { mediaType: 'video', mediaId: '1234567890', caption: 'A clip' }),
        node('manual', 'media', { mediaType: 'document', url: 'https://cdn.example.com/manual.pdf', caption: 'The manual', filename: 'manual.pdf' }),
        node('voice', 'media', { mediaType: 'audio', url: 'https://cdn.example.com/hello.ogg' }),
        node('sticker', 'media', { mediaType: 'sticker', mediaId: '555' }),
        node('done', 'end'),
      ],
      [['start', 'photo'], ['photo', 'clip'], ['clip', 'manual'], ['manual', 'voice'], ['voice', 'sticker'], ['sticker', 'done']],
    ),
    script: [
      {
        send: says('golden media'),
        expect: [
          { type: 'image', image: { link: 'https://cdn.example.com/Ana.jpg', caption: 'For Ana' } },
          { type: 'video', video: { id: '1234567890', caption: 'A clip' } },
          { type: 'document', document: { link: 'https://cdn.example.com/manual.pdf', caption: 'The manual', filename: 'manual.pdf' } },
          { type: 'audio', audio: { link: 'https://cdn.example.com/hello.ogg' } },
          { type: 'sticker', sticker: { id: '555' } },
        ],
      },
    ],
    finalSessions: [{ status: 'Completed', node: 'done' }],
  },
];
