import type { NodeOfType } from '../../flows/definition.js';
import { LIMITS } from '../../whatsapp/limits.js';
import type { MediaContent, MediaObject, MediaType } from '../../whatsapp/outbound.js';
import { type NodeHandler, fail, next } from '../node-handler.js';
import { renderOptional } from '../render.js';

/**
 * An image, video, audio, document or sticker, by link (interpolated) or by uploaded media id.
 * WhatsApp shows captions only on images, videos and documents and filenames only on documents,
 * so those are sent only there.
 */
export const media: NodeHandler<NodeOfType<'media'>> = {
  enter(node, run) {
    const { data } = node;
    const caption = data.mediaType === 'audio' || data.mediaType === 'sticker'
      ? null
      : renderOptional(run, data.caption, LIMITS.mediaCaption);
    const extras = {
      ...(caption === null ? {} : { caption }),
      ...(data.mediaType === 'document' && data.filename ? { filename: data.filename } : {}),
    };
    let object: MediaObject;
    if (data.url !== undefined) {
      const link = run.interpolate(data.url).trim();
      if (link === '') return fail(`"${node.id}": the media url is empty`);
      object = { link, ...extras };
    } else {
      object = { id: data.mediaId, ...extras };
    }
    run.send(mediaContent(data.mediaType, object));
    return next;
  },
};

function mediaContent(type: MediaType, object: MediaObject): MediaContent {
  switch (type) {
    case 'image':
      return { type, image: object };
    case 'video':
      return { type, video: object };
    case 'audio':
      return { type, audio: object };
    case 'document':
      return { type, document: object };
    case 'sticker':
      return { type, sticker: object };
  }
}
