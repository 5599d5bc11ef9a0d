/**
 * WhatsApp's content limits. Text that grows at run time through interpolation is cut by the
 * engine, so a text field is an error only when its written text, placeholders left out, breaks
 * the limit; when only its placeholders take it over, a warning says the sent text may be cut.
 * Counts, ids and required fields cannot change at run time, so breaking them is an error.
 *
 * Lengths are JavaScript string lengths (UTF-16 units), never fewer than the characters Meta
 * counts, so text that passes here also passes there.
 */
import { LIMITS } from '../../whatsapp/limits.js';
import type { FlowNode, NodeOfType } from '../definition.js';
import { RESERVED_CHOICE_IDS, listRows } from '../handles.js';
import { maskPlaceholders } from '../interpolate.js';
import { normalizeText } from '../trigger.js';
import type { LintCode, LintContext, Where } from './report.js';

export function checkLimits(context: LintContext): void {
  const endTexts = context.definition.settings?.endTexts;
  maxLength(context, undefined, 'text-too-long', 'settings.endTexts.invalid', endTexts?.invalid, LIMITS.textBody);
  maxLength(context, undefined, 'text-too-long', 'settings.endTexts.timeout', endTexts?.timeout, LIMITS.textBody);
  for (const node of context.definition.nodes) checkNode(context, node);
}

function checkNode(context: LintContext, node: FlowNode): void {
  const text = (field: string, value: string | undefined, required: boolean) =>
    textField(context, node, field, value, required, LIMITS.textBody, 'text-too-long');
  switch (node.type) {
    case 'message':
    case 'question':
      text('text', node.data.text, true);
      break;
    case 'handoff':
    case 'end':
      text('text', node.data.text, false);
      break;
    case 'media':
      checkMedia(context, node);
      break;
    case 'buttons':
      checkButtons(context, node);
      break;
    case 'list':
      checkList(context, node);
      break;
    case 'ctaUrl':
      checkFrame(context, node);
      textField(context, node, 'buttonText', node.data.buttonText, true, LIMITS.ctaUrl.displayText, 'button-label-too-long');
      break;
    case 'locationRequest':
      textField(context, node, 'text', node.data.text, true, LIMITS.interactiveBody, 'body-too-long');
      break;
    case 'template':
      // not interpolated: braces in it are part of the name
      tooLong(context, node, 'template-name-too-long', 'name', node.data.name.length, LIMITS.templateName);
      break;
    case 'reaction':
      checkEmoji(context, node);
      break;
    case 'start':
    case 'condition':
    case 'setVariable':
    case 'delay':
    case 'httpRequest':
    case 'goto':
    case 'location':
    case 'randomSplit':
      break;
  }
  if ('invalidText' in node.data) text('invalidText', node.data.invalidText, false);
}

function checkMedia(context: LintContext, node: NodeOfType<'media'>): void {
  const { mediaType, caption, filename } = node.data;
  maxLength(context, node, 'caption-too-long', 'caption', caption, LIMITS.mediaCaption);
  if (caption !== undefined && (mediaType === 'audio' || mediaType === 'sticker')) {
    context.warn('media-field-ignored', `"${node.id}": WhatsApp shows no caption on ${mediaType}; it is not sent.`, {
      nodeId: node.id,
    });
  }
  if (filename !== undefined && mediaType !== 'document') {
    context.warn('media-field-ignored', `"${node.id}": only documents have a filename; it is not sent.`, { nodeId: node.id });
  }
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** A reaction shows one emoji: more than one grapheme, or a space, is a mistake in the flow. */
function checkEmoji(context: LintContext, node: NodeOfType<'reaction'>): void {
  const { emoji } = node.data;
  const single = [...graphemes.segment(emoji)].length === 1 && !/\s/u.test(emoji);
  if (single && emoji.length <= LIMITS.reactionEmoji) return;
  context.error(
    'invalid-emoji',
    `"${node.id}": emoji ${JSON.stringify(emoji)} must be one emoji of at most ${LIMITS.reactionEmoji} characters, without spaces.`,
    { nodeId: node.id },
  );
}

/** Body, header and footer of an interactive message. */
function checkFrame(context: LintContext, node: NodeOfType<'buttons' | 'list' | 'ctaUrl'>): void {
  textField(context, node, 'text', node.data.text, true, LIMITS.interactiveBody, 'body-too-long');
  maxLength(context, node, 'header-too-long', 'header', node.data.header, LIMITS.headerText);
  maxLength(context, node, 'footer-too-long', 'footer', node.data.footer, LIMITS.footerText);
}

function checkButtons(context: LintContext, node: NodeOfType<'buttons'>): void {
  checkFrame(context, node);
  const { buttons } = node.data;
  if (buttons.length < 1 || buttons.length > LIMITS.buttons.max) {
    context.error('button-count', `"${node.id}" has ${buttons.length} buttons; WhatsApp allows 1 to ${LIMITS.buttons.max}.`, {
      nodeId: node.id,
    });
  }
  buttons.forEach((button, i) =>
    textField(context, node, `buttons[${i}].title`, button.title, true, LIMITS.buttons.title, 'title-too-long'),
  );
  checkChoices(context, node, buttons, LIMITS.buttons.id);
}

function checkList(context: LintContext, node: NodeOfType<'list'>): void {
  checkFrame(context, node);
  const { sections, buttonLabel } = node.data;
  textField(context, node, 'buttonLabel', buttonLabel, true, LIMITS.list.button, 'button-label-too-long');
  if (sections.length < 1 || sections.length > LIMITS.list.sections) {
    context.error('section-count', `"${node.id}" has ${sections.length} sections; WhatsApp allows 1 to ${LIMITS.list.sections}.`, {
      nodeId: node.id,
    });
  }
  const rows = listRows(node);
  if (rows.length < 1 || rows.length > LIMITS.list.rows) {
    context.error('row-count', `"${node.id}" has ${rows.length} rows in all; WhatsApp allows 1 to ${LIMITS.list.rows}.`, {
      nodeId: node.id,
    });
  }
  sections.forEach((section, s) => {
    if (section.rows.length === 0) {
      context.error('empty-section', `"${node.id}": section ${s + 1} has no rows.`, { nodeId: node.id });
    }
    if (sections.length > 1 && !section.title?.trim()) {
      context.error('section-title-required', `"${node.id}": section ${s + 1} needs a title when there are several sections.`, {
        nodeId: node.id,
      });
    }
    maxLength(context, node, 'title-too-long', `sections[${s}].title`, section.title, LIMITS.list.sectionTitle);
    section.rows.forEach((row, r) => {
      const field = `sections[${s}].rows[${r}]`;
      textField(context, node, `${field}.title`, row.title, true, LIMITS.list.rowTitle, 'title-too-long');
      maxLength(context, node, 'description-too-long', `${field}.description`, row.description, LIMITS.list.rowDescription);
    });
  });
  checkChoices(context, node, rows, LIMITS.list.rowId);
}

/**
 * Ids route replies and must be unique and not shadow the node's own handles. Titles must be
 * unique too, as compared when the user types one instead of tapping it.
 */
function checkChoices(
  context: LintContext,
  node: FlowNode,
  choices: readonly { id: string; title: string }[],
  maxIdLength: number,
): void {
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const { id, title } of choices) {
    if (id.length > maxIdLength) {
      context.error('id-too-long', `"${node.id}": id "${id.slice(0, 20)}…" is longer than ${maxIdLength}.`, { nodeId: node.id });
    }
    if (ids.has(id)) context.error('duplicate-id', `"${node.id}": id "${id}" is used twice.`, { nodeId: node.id });
    if (RESERVED_CHOICE_IDS.includes(id)) {
      context.error('reserved-id', `"${node.id}": "${id}" is one of the node's own handles; pick another id.`, {
        nodeId: node.id,
      });
    }
    const key = normalizeText(title);
    if (key !== '' && titles.has(key)) {
      context.error('duplicate-title', `"${node.id}": title "${title}" is used twice.`, { nodeId: node.id });
    }
    ids.add(id);
    titles.add(key);
  }
}

function textField(
  context: LintContext,
  node: FlowNode,
  field: string,
  value: string | undefined,
  required: boolean,
  limit: number,
  code: LintCode,
): void {
  if (required && !value?.trim()) {
    context.error(field.endsWith('title') ? 'empty-title' : 'empty-text', `"${node.id}": ${field} is empty.`, {
      nodeId: node.id,
    });
  }
  maxLength(context, node, code, field, value, limit);
}

/** An interpolated text field: its written text must fit; its placeholders may make it longer. */
function maxLength(
  context: LintContext,
  node: FlowNode | undefined,
  code: LintCode,
  field: string,
  value: string | undefined,
  limit: number,
): void {
  if (value === undefined || value.length <= limit) return;
  const written = maskPlaceholders(value, '').length;
  if (written === value.length || written > limit) return tooLong(context, node, code, field, written, limit);
  context.warn(code, `${fieldName(node, field)} may be cut to ${limit} characters (WhatsApp's limit) once its placeholders are filled in.`, where(node));
}

function tooLong(context: LintContext, node: FlowNode | undefined, code: LintCode, field: string, length: number, limit: number): void {
  if (length > limit) context.error(code, `${fieldName(node, field)} has ${length} characters; WhatsApp allows ${limit}.`, where(node));
}

function fieldName(node: FlowNode | undefined, field: string): string {
  return node ? `"${node.id}": ${field}` : field;
}

function where(node: FlowNode | undefined): Where {
  return node ? { nodeId: node.id } : {};
}
