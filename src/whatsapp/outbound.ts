/**
 * The content of a message we send, in the Cloud API's own shape minus the envelope
 * (`messaging_product`, `recipient_type`, `to`, `context`), which the Graph client adds.
 * The engine produces these values; the Graph client sends them; the Message table stores
 * them in `payload` so a console can render exactly what the user saw.
 */

export interface TextContent {
  type: 'text';
  text: { body: string; preview_url?: boolean };
}

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** Media is sent either by public link or by a media id uploaded to Meta. */
export type MediaObject =
  | { link: string; id?: never; caption?: string; filename?: string }
  | { id: string; link?: never; caption?: string; filename?: string };

export type MediaContent = {
  [K in MediaType]: { type: K } & { [P in K]: MediaObject };
}[MediaType];

export interface InteractiveHeaderText {
  type: 'text';
  text: string;
}

export interface ReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface ButtonsInteractive {
  type: 'button';
  header?: InteractiveHeaderText;
  body: { text: string };
  footer?: { text: string };
  action: { buttons: ReplyButton[] };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface ListSection {
  title?: string;
  rows: ListRow[];
}

export interface ListInteractive {
  type: 'list';
  header?: InteractiveHeaderText;
  body: { text: string };
  footer?: { text: string };
  action: { button: string; sections: ListSection[] };
}

export interface CtaUrlInteractive {
  type: 'cta_url';
  header?: InteractiveHeaderText;
  body: { text: string };
  footer?: { text: string };
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

export interface LocationRequestInteractive {
  type: 'location_request_message';
  body: { text: string };
  action: { name: 'send_location' };
}

export type Interactive =
  | ButtonsInteractive
  | ListInteractive
  | CtaUrlInteractive
  | LocationRequestInteractive;

export interface InteractiveContent {
  type: 'interactive';
  interactive: Interactive;
}

export interface TemplateParameter {
  type: 'text';
  text: string;
}

export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: 'quick_reply' | 'url';
  index?: string;
  parameters: TemplateParameter[];
}

export interface TemplateContent {
  type: 'template';
  template: { name: string; language: { code: string }; components?: TemplateComponent[] };
}

export interface ReactionContent {
  type: 'reaction';
  reaction: { message_id: string; emoji: string };
}

export interface LocationContent {
  type: 'location';
  location: { latitude: number; longitude: number; name?: string; address?: string };
}

export type OutboundMessage =
  | TextContent
  | MediaContent
  | InteractiveContent
  | TemplateContent
  | ReactionContent
  | LocationContent;

export type OutboundType = OutboundMessage['type'];

/** A short human-readable rendering, stored in `Message.content` and shown in lists. */
export function outboundPreview(message: OutboundMessage): string | null {
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'interactive':
      return message.interactive.body.text;
    case 'template':
      return `[template ${message.template.name}]`;
    case 'reaction':
      return message.reaction.emoji;
    case 'location':
      return message.location.name ?? `${message.location.latitude},${message.location.longitude}`;
    default:
      return mediaObjectOf(message).caption ?? `[${message.type}]`;
  }
}

/** The media object of a media message, whichever media type it is. */
export function mediaObjectOf(message: MediaContent): MediaObject {
  switch (message.type) {
    case 'image':
      return message.image;
    case 'video':
      return message.video;
    case 'audio':
      return message.audio;
    case 'document':
      return message.document;
    case 'sticker':
      return message.sticker;
  }
}
