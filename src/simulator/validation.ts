/**
 * The checks Meta runs on `POST /{phone-number-id}/messages` bodies (reference §5, limits from
 * LIMITS), answered with Meta's codes: 100 for a missing or mistyped parameter, 131008 for a
 * missing part of a message, 131009 for a value out of bounds.
 */
import { LIMITS } from '../whatsapp/limits.js';

export type MessagesRequest =
  | { kind: 'send'; to: string; type: string; body: Readonly<Record<string, unknown>> }
  | { kind: 'read'; messageId: string; typing: boolean };

export interface InvalidRequest {
  kind: 'invalid';
  code: 100 | 131008 | 131009;
  details: string;
}

type Problem = InvalidRequest | undefined;
type Json = Readonly<Record<string, unknown>>;
type Check = (value: unknown) => Problem;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

const invalidParameter = (details: string): InvalidRequest => ({ kind: 'invalid', code: 100, details });
const missingParameter = (name: string): InvalidRequest => invalidParameter(`The parameter ${name} is required.`);
const missingPart = (path: string): InvalidRequest => ({
  kind: 'invalid',
  code: 131008,
  details: `${path} is required`,
});
const invalidValue = (details: string): InvalidRequest => ({ kind: 'invalid', code: 131009, details });

function firstProblem<T>(items: readonly T[], check: (item: T, index: number) => Problem): Problem {
  for (const [index, item] of items.entries()) {
    const problem = check(item, index);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** An optional array, each item checked under its own path (`path[index]`). */
function checkOptionalArray(items: unknown, path: string, checkItem: (item: unknown, itemPath: string) => Problem): Problem {
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) return invalidParameter(`Param ${path} must be an array`);
  return firstProblem(items, (item, index) => checkItem(item, `${path}[${index}]`));
}

const notAnObject = (path: string): InvalidRequest => invalidParameter(`Param ${path} must be an object`);

/** `value` lower-cased when it is one of `names`: Meta matches these names in any case ("BODY"). */
function knownName(value: unknown, names: readonly string[]): string | undefined {
  const name = typeof value === 'string' ? value.toLowerCase() : undefined;
  return name !== undefined && names.includes(name) ? name : undefined;
}

/** What Meta says of a `value` that `knownName` does not know. */
function unknownName(value: unknown, path: string, names: readonly string[]): InvalidRequest {
  return value === undefined ? missingPart(path) : invalidParameter(`Param ${path} must be one of ${names.join(', ')}`);
}

function unique(values: readonly unknown[], what: string): Problem {
  return new Set(values).size === values.length ? undefined : invalidValue(`${what} must be unique`);
}

/**
 * A string of 1..max characters (0..max when optional), counted in code points as a user
 * counts them. `label` is how Meta names the value in its message.
 */
function checkText(value: unknown, path: string, label: string, max: number, required: boolean): Problem {
  if (value === undefined) return required ? missingPart(path) : undefined;
  if (typeof value !== 'string') return invalidParameter(`Param ${path} must be a string`);
  const min = required ? 1 : 0;
  const length = [...value].length;
  return length < min || length > max
    ? invalidValue(`${label} length invalid. Min length: ${min}, Max length: ${max}`)
    : undefined;
}

const requiredText = (value: unknown, path: string, label: string, max: number): Problem =>
  checkText(value, path, label, max, true);
const optionalText = (value: unknown, path: string, label: string, max: number): Problem =>
  checkText(value, path, label, max, false);

function checkCount(items: unknown, path: string, noun: string, max: number): Problem {
  if (items === undefined) return missingPart(path);
  const fits = Array.isArray(items) && items.length >= 1 && items.length <= max;
  return fits ? undefined : invalidValue(`Invalid ${noun} count. Min allowed ${noun}: 1, Max allowed ${noun}: ${max}`);
}

function checkUrl(value: unknown, path: string): Problem {
  if (value === undefined) return missingPart(path);
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : null;
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:')
    ? undefined
    : invalidParameter(`Param ${path} must be a valid http(s) URL`);
}

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
type MediaType = (typeof MEDIA_TYPES)[number];

/** What each media object takes besides `id` or `link`: Meta refuses any other key. */
const MEDIA_OPTIONAL_KEYS: Readonly<Record<MediaType, readonly string[]>> = {
  image: ['caption'],
  video: ['caption'],
  document: ['caption', 'filename'],
  audio: ['voice'],
  sticker: [],
};

function checkMediaKeys(media: Json, type: MediaType, path: string): Problem {
  const allowed = ['id', 'link', ...MEDIA_OPTIONAL_KEYS[type]];
  const unexpected = Object.keys(media).find((key) => !allowed.includes(key));
  return unexpected === undefined ? undefined : invalidParameter(`Unexpected key "${unexpected}" on param "${path}"`);
}

function checkMediaSource({ id, link }: Json, path: string): Problem {
  if ((id === undefined) === (link === undefined)) return invalidParameter(`Param ${path} must have either id or link`);
  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    return invalidParameter(`Param ${path}.id must be a media id`);
  }
  return link === undefined ? undefined : checkUrl(link, `${path}.link`);
}

function checkMediaObject(media: unknown, type: MediaType, path: string = type): Problem {
  if (!isObject(media)) return missingPart(path);
  const { voice } = media;
  return (
    checkMediaKeys(media, type, path) ??
    checkMediaSource(media, path) ??
    optionalText(media.caption, `${path}.caption`, 'Caption', LIMITS.mediaCaption) ??
    optionalText(media.filename, `${path}.filename`, 'Filename', 240) ??
    (voice === undefined || typeof voice === 'boolean' ? undefined : invalidParameter(`Param ${path}.voice must be a boolean`))
  );
}

/** A list's header can only be text; reply buttons take media too (reference §5). */
function checkHeader(header: unknown, interactiveType: unknown): Problem {
  if (header === undefined) return undefined;
  const type = field(header, 'type');
  if (type === 'text') {
    return requiredText(field(header, 'text'), 'interactive.header.text', 'Header text', LIMITS.headerText);
  }
  if (interactiveType === 'list') return invalidValue('Header type of a list must be text');
  if (type === 'image' || type === 'video' || type === 'document') {
    return checkMediaObject(field(header, type), type, `interactive.header.${type}`);
  }
  return invalidValue('Header type must be one of text, image, video, document');
}

function checkReplyButton(button: unknown, index: number): Problem {
  if (field(button, 'type') !== 'reply') return invalidValue('Button type must be reply');
  const path = `interactive.action.buttons[${index}].reply`;
  const reply = field(button, 'reply');
  return (
    requiredText(field(reply, 'id'), `${path}.id`, 'Button id', LIMITS.buttons.id) ??
    requiredText(field(reply, 'title'), `${path}.title`, 'Button title', LIMITS.buttons.title)
  );
}

function checkButtonsAction(action: unknown): Problem {
  const buttons = field(action, 'buttons');
  const countProblem = checkCount(buttons, 'interactive.action.buttons', 'buttons', LIMITS.buttons.max);
  if (countProblem !== undefined || !Array.isArray(buttons)) return countProblem;
  const replies = buttons.map((button) => field(button, 'reply'));
  return (
    firstProblem(buttons, checkReplyButton) ??
    unique(replies.map((reply) => field(reply, 'title')), 'Button titles') ??
    unique(replies.map((reply) => field(reply, 'id')), 'Button ids')
  );
}

function checkListRow(row: unknown, path: string): Problem {
  const { list } = LIMITS;
  return (
    requiredText(field(row, 'id'), `${path}.id`, 'Row id', list.rowId) ??
    requiredText(field(row, 'title'), `${path}.title`, 'Row title', list.rowTitle) ??
    optionalText(field(row, 'description'), `${path}.description`, 'Row description', list.rowDescription)
  );
}

function checkListSection(section: unknown, index: number, sectionCount: number): Problem {
  const path = `interactive.action.sections[${index}]`;
  const rows = field(section, 'rows');
  // A lone section may go untitled; several must be told apart.
  const titleRequired = sectionCount > 1;
  return (
    checkText(field(section, 'title'), `${path}.title`, 'Section title', LIMITS.list.sectionTitle, titleRequired) ??
    checkCount(rows, `${path}.rows`, 'rows', LIMITS.list.rows) ??
    (Array.isArray(rows)
      ? firstProblem(rows, (row, rowIndex) => checkListRow(row, `${path}.rows[${rowIndex}]`))
      : undefined)
  );
}

function checkListAction(action: unknown): Problem {
  const { list } = LIMITS;
  const sections = field(action, 'sections');
  const problem =
    requiredText(field(action, 'button'), 'interactive.action.button', 'Button text', list.button) ??
    checkCount(sections, 'interactive.action.sections', 'sections', list.sections);
  if (problem !== undefined || !Array.isArray(sections)) return problem;
  const rows = sections.flatMap((section) => {
    const sectionRows = field(section, 'rows');
    return Array.isArray(sectionRows) ? sectionRows : [];
  });
  if (rows.length > list.rows) return invalidValue(`Total row count exceed max allowed count: ${list.rows}`);
  return (
    firstProblem(sections, (section, index) => checkListSection(section, index, sections.length)) ??
    unique(rows.map((row) => field(row, 'id')), 'Row ids')
  );
}

function checkCtaUrlAction(action: unknown): Problem {
  if (field(action, 'name') !== 'cta_url') return invalidValue('Action name must be cta_url');
  const parameters = field(action, 'parameters');
  const path = 'interactive.action.parameters';
  return (
    requiredText(
      field(parameters, 'display_text'),
      `${path}.display_text`,
      'Display text',
      LIMITS.ctaUrl.displayText,
    ) ??
    checkUrl(field(parameters, 'url'), `${path}.url`)
  );
}

function checkLocationRequestAction(action: unknown): Problem {
  return field(action, 'name') === 'send_location' ? undefined : invalidValue('Action name must be send_location');
}

const INTERACTIVE_ACTIONS: ReadonlyMap<unknown, Check> = new Map([
  ['button', checkButtonsAction],
  ['list', checkListAction],
  ['cta_url', checkCtaUrlAction],
  ['location_request_message', checkLocationRequestAction],
]);

function checkInteractive(interactive: unknown): Problem {
  const checkAction = INTERACTIVE_ACTIONS.get(field(interactive, 'type'));
  if (checkAction === undefined) {
    return invalidValue(`Interactive type must be one of ${[...INTERACTIVE_ACTIONS.keys()].join(', ')}`);
  }
  const footer = field(interactive, 'footer');
  const action = field(interactive, 'action');
  return (
    requiredText(
      field(field(interactive, 'body'), 'text'),
      'interactive.body.text',
      'Body text',
      LIMITS.interactiveBody,
    ) ??
    checkHeader(field(interactive, 'header'), field(interactive, 'type')) ??
    (footer === undefined
      ? undefined
      : requiredText(field(footer, 'text'), 'interactive.footer.text', 'Footer text', LIMITS.footerText)) ??
    (action === undefined ? missingPart('interactive.action') : checkAction(action))
  );
}

function checkTextMessage(text: unknown): Problem {
  return requiredText(field(text, 'body'), 'text.body', 'Message body', LIMITS.textBody);
}

/** Header, body and buttons as the reference sends them, and the documented offer and carousel. */
const TEMPLATE_COMPONENT_TYPES = ['header', 'body', 'button', 'limited_time_offer', 'carousel'];
/** As Meta lists them when it refuses another. */
const TEMPLATE_BUTTON_SUB_TYPES = [
  'booking_confirmation', 'catalog', 'copy_code', 'flow', 'mpm', 'order_details', 'quick_reply', 'reminder', 'url', 'voice_call',
];
/** A parameter holds its value under the key its type names: `{ type: "text", text: "Jane" }`. */
const TEMPLATE_PARAMETER_TYPES = [
  'text', 'currency', 'date_time', 'image', 'video', 'document', 'location', 'payload', 'coupon_code', 'action', 'product',
  'limited_time_offer',
];
/** A template has at most 10 buttons. */
const MAX_TEMPLATE_BUTTON_INDEX = 9;

function checkTemplateParameter(parameter: unknown, path: string): Problem {
  if (!isObject(parameter)) return notAnObject(path);
  const type = knownName(parameter.type, TEMPLATE_PARAMETER_TYPES);
  if (type === undefined) return unknownName(parameter.type, `${path}.type`, TEMPLATE_PARAMETER_TYPES);
  return parameter[type] === undefined ? missingPart(`${path}.${type}`) : undefined;
}

/** The button's position in the template, as a number or a digit string ("0"). */
function checkButtonIndex(index: unknown, path: string): Problem {
  if (index === undefined) return missingPart(path);
  const position = typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : index;
  const valid = typeof position === 'number' && Number.isInteger(position) && position >= 0 && position <= MAX_TEMPLATE_BUTTON_INDEX;
  return valid ? undefined : invalidParameter(`Param ${path} must be a button index from 0 to ${MAX_TEMPLATE_BUTTON_INDEX}`);
}

/** A button component names the template button it fills: its kind and its position. */
function checkTemplateButton({ sub_type: subType, index }: Json, path: string): Problem {
  return knownName(subType, TEMPLATE_BUTTON_SUB_TYPES) === undefined
    ? unknownName(subType, `${path}.sub_type`, TEMPLATE_BUTTON_SUB_TYPES)
    : checkButtonIndex(index, `${path}.index`);
}

function checkTemplateComponent(component: unknown, path: string): Problem {
  if (!isObject(component)) return notAnObject(path);
  const type = knownName(component.type, TEMPLATE_COMPONENT_TYPES);
  if (type === undefined) return unknownName(component.type, `${path}.type`, TEMPLATE_COMPONENT_TYPES);
  return (
    (type === 'button' ? checkTemplateButton(component, path) : undefined) ??
    checkOptionalArray(component.parameters, `${path}.parameters`, checkTemplateParameter)
  );
}

function checkTemplate(template: unknown): Problem {
  return (
    requiredText(field(template, 'name'), 'template.name', 'Template name', LIMITS.templateName) ??
    requiredText(field(field(template, 'language'), 'code'), 'template.language.code', 'Language code', 15) ??
    checkOptionalArray(field(template, 'components'), 'template.components', checkTemplateComponent)
  );
}

function checkReaction(reaction: unknown): Problem {
  const emoji = field(reaction, 'emoji');
  return (
    requiredText(field(reaction, 'message_id'), 'reaction.message_id', 'Message id', 256) ??
    // Present but empty removes the reaction.
    (emoji === undefined ? missingPart('reaction.emoji') : optionalText(emoji, 'reaction.emoji', 'Emoji', LIMITS.reactionEmoji))
  );
}

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Degrees from a number or a numeric string: Meta documents both, and its Node SDK sends strings. */
function degreesOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : undefined;
}

function checkCoordinate(value: unknown, path: string, bound: number): Problem {
  if (value === undefined) return missingPart(path);
  const degrees = degreesOf(value);
  const valid = degrees !== undefined && Math.abs(degrees) <= bound;
  return valid ? undefined : invalidValue(`${path} must be a number within ±${bound}`);
}

function checkLocation(location: unknown): Problem {
  return (
    checkCoordinate(field(location, 'latitude'), 'location.latitude', 90) ??
    checkCoordinate(field(location, 'longitude'), 'location.longitude', 180)
  );
}

function checkContacts(contacts: unknown): Problem {
  if (!Array.isArray(contacts) || contacts.length === 0) {
    return invalidParameter('Param contacts must be a non-empty array');
  }
  return firstProblem(contacts, (contact, index) => {
    const path = `contacts[${index}].name.formatted_name`;
    return requiredText(field(field(contact, 'name'), 'formatted_name'), path, 'Formatted name', 1024);
  });
}

const CONTENT_CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['text', checkTextMessage],
  ['interactive', checkInteractive],
  ['template', checkTemplate],
  ['reaction', checkReaction],
  ['location', checkLocation],
  ['contacts', checkContacts],
  ...MEDIA_TYPES.map((type): [string, Check] => [type, (media) => checkMediaObject(media, type)]),
]);

function validateRead(body: Json): MessagesRequest | InvalidRequest {
  if (body.status !== 'read') return invalidParameter('Param status must be read');
  const messageId = body.message_id;
  if (messageId === undefined) return missingParameter('message_id');
  if (typeof messageId !== 'string' || messageId === '') {
    return invalidParameter('Param message_id must be a message id');
  }
  const typing = body.typing_indicator;
  if (typing !== undefined && field(typing, 'type') !== 'text') {
    return invalidParameter('Param typing_indicator.type must be text');
  }
  return { kind: 'read', messageId, typing: typing !== undefined };
}

function checkEnvelopeExtras(body: Json): Problem {
  const { context, biz_opaque_callback_data: callbackData } = body;
  if (context !== undefined && typeof field(context, 'message_id') !== 'string') {
    return invalidParameter('Param context.message_id must be a message id');
  }
  const limit = LIMITS.bizOpaqueCallbackData;
  if (callbackData !== undefined && (typeof callbackData !== 'string' || Buffer.byteLength(callbackData) > limit)) {
    return invalidValue(`biz_opaque_callback_data must be a string of at most ${limit} bytes`);
  }
  return undefined;
}

/** A send or a mark-as-read, or what Meta would say is wrong with it. */
export function validateMessagesRequest(body: unknown): MessagesRequest | InvalidRequest {
  if (!isObject(body)) return invalidParameter('The request body must be a JSON object');
  if (body.messaging_product === undefined) return missingParameter('messaging_product');
  if (body.messaging_product !== 'whatsapp') return invalidParameter('Param messaging_product must be whatsapp');
  if (body.status !== undefined) return validateRead(body);
  const { to } = body;
  if (to === undefined) return missingParameter('to');
  if (typeof to !== 'string' || to.trim() === '') return invalidParameter('Param to must be a phone number or user id');
  // Meta treats a body without `type` as text.
  const type = body.type ?? 'text';
  const checkContent = typeof type === 'string' ? CONTENT_CHECKS.get(type) : undefined;
  if (typeof type !== 'string' || checkContent === undefined) {
    return invalidParameter(`Param type must be one of ${[...CONTENT_CHECKS.keys()].join(', ')}`);
  }
  if (body[type] === undefined) return missingParameter(type);
  return checkContent(body[type]) ?? checkEnvelopeExtras(body) ?? { kind: 'send', to, type, body };
}
