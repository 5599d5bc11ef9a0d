/** How messages, statuses and times look in the console. */
import { h } from './dom.js';

const MEDIA_LABELS = { image: 'Image', video: 'Video', audio: 'Audio', document: 'Document', sticker: 'Sticker' };

/** Drawn, not typed: an emoji or rare glyph may be missing from the fonts of the machine. */
const ONE_CHECK = 'M2 9l3.5 3.5L13 5';
const TWO_CHECKS = 'M1 9l3.5 3.5L12 5M8 12.5L15.5 5';
const CLOCK = 'M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11M8 5v3.2l2 1.3';
const TICKS = {
  Pending: { path: CLOCK, label: 'Pending' },
  Sent: { path: ONE_CHECK, label: 'Sent' },
  Delivered: { path: TWO_CHECKS, label: 'Delivered' },
  Read: { path: TWO_CHECKS, label: 'Read' },
};

const SVG = 'http://www.w3.org/2000/svg';

function icon(path) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 17 17');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(SVG, 'path');
  line.setAttribute('d', path);
  svg.append(line);
  return svg;
}

/** Forward only, as the server: sent < delivered < read; failed only before delivery. */
const STATUS_RANK = { Pending: 0, Sent: 1, Failed: 1.5, Delivered: 2, Read: 3 };
export const isForward = (from, to) => (STATUS_RANK[to] ?? -1) > (STATUS_RANK[from] ?? -1);

export function tick(message) {
  if (message.direction !== 'outbound') return null;
  const attributes = { class: `tick tick-${String(message.status).toLowerCase()}`, role: 'img', 'aria-label': message.status, title: message.status };
  const shown = TICKS[message.status];
  return h('span', attributes, shown ? icon(shown.path) : '!');
}

export function time(value) {
  if (!value) return '';
  const date = new Date(value);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

/** Day and time, for moments that may be tomorrow (when the 24-hour window closes). */
export const dayAndTime = (value) =>
  new Date(value).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export const timeElement = (value) => h('time', { datetime: new Date(value).toISOString() }, time(value));

/** One line for lists. */
export function preview(message) {
  if (!message) return 'No messages yet';
  const label = MEDIA_LABELS[message.type];
  const text = message.content ?? (label ? `[${label}]` : `[${message.type}]`);
  return message.direction === 'outbound' ? `You: ${text}` : text;
}

/** The body of a bubble: text, interactive choices, media placeholders. */
export function messageBody(message) {
  const payload = message.payload ?? {};
  if (MEDIA_LABELS[message.type]) return mediaPlaceholder(message.type, message.content);
  if (message.direction === 'outbound') return outboundBody(message, payload);
  return inboundBody(message, payload);
}

function mediaPlaceholder(type, caption) {
  return [
    h('div', { class: 'media', role: 'img', 'aria-label': `${MEDIA_LABELS[type]} (not shown)` }, `${MEDIA_LABELS[type]}`),
    caption ? h('p', { class: 'text' }, caption) : null,
  ];
}

function outboundBody(message, payload) {
  if (message.type === 'interactive') return interactiveBody(payload.interactive ?? {}, message.content);
  if (message.type === 'template') return h('p', { class: 'text meta-text' }, `Template: ${payload.template?.name ?? ''}`);
  if (message.type === 'location') return h('p', { class: 'text' }, `Location: ${message.content ?? ''}`);
  return h('p', { class: 'text' }, message.content ?? `[${message.type}]`);
}

function interactiveBody(interactive, fallback) {
  const parts = [];
  if (interactive.header?.text) parts.push(h('p', { class: 'header-text' }, interactive.header.text));
  parts.push(h('p', { class: 'text' }, interactive.body?.text ?? fallback ?? ''));
  if (interactive.footer?.text) parts.push(h('p', { class: 'footer-text' }, interactive.footer.text));
  if (interactive.type === 'button') {
    const buttons = interactive.action?.buttons ?? [];
    parts.push(h('ul', { class: 'choices', 'aria-label': 'Reply buttons' }, buttons.map((button) => h('li', {}, button.reply?.title ?? ''))));
  } else if (interactive.type === 'list') {
    const sections = interactive.action?.sections ?? [];
    parts.push(
      h('details', { class: 'list-message' },
        h('summary', {}, interactive.action?.button ?? 'Options'),
        sections.map((section) => [
          section.title ? h('p', { class: 'section-title' }, section.title) : null,
          h('ul', { class: 'rows' }, section.rows.map((row) => h('li', {}, h('span', { class: 'row-title' }, row.title), row.description ? h('span', { class: 'row-description' }, row.description) : null))),
        ]),
      ),
    );
  } else if (interactive.type === 'cta_url') {
    const parameters = interactive.action?.parameters ?? {};
    parts.push(h('p', { class: 'cta' }, parameters.display_text ?? '', h('span', { class: 'visually-hidden' }, ` (link to ${parameters.url ?? ''})`)));
  } else if (interactive.type === 'location_request_message') {
    parts.push(h('p', { class: 'cta' }, 'Send location'));
  }
  return parts;
}

function inboundBody(message, payload) {
  switch (message.type) {
    case 'interactive':
    case 'button':
      return h('p', { class: 'text reply-choice' }, h('span', { class: 'visually-hidden' }, 'Chose: '), message.content ?? '');
    case 'location': {
      const location = payload.location ?? {};
      return h('p', { class: 'text' }, `Location: ${location.name ?? location.address ?? `${location.latitude}, ${location.longitude}`}`);
    }
    case 'reaction':
      return h('p', { class: 'text' }, `Reacted ${payload.reaction?.emoji ?? ''}`);
    default:
      return h('p', { class: 'text' }, message.content ?? `[${message.type}]`);
  }
}
