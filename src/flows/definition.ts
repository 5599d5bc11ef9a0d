/**
 * The flow definition: a graph a visual builder can draw (React Flow shape), validated with zod.
 *
 * The schema checks shape only (types, required fields, enums). WhatsApp's content limits,
 * graph rules and everything else that needs the whole flow live in the linter, so that one
 * place reports them with stable codes.
 *
 * Nodes, edges and the definition itself keep keys they do not know (a builder stores `width`,
 * `selected`, `targetHandle`, …); node `data` objects drop them.
 */
import * as z from 'zod';
import { pathDeeperThan } from './json.js';

/** Names a flow may store values under; dots separate parts (`order.status`). */
export const VARIABLE_NAME = '[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*';
export const VARIABLE_NAME_PATTERN = new RegExp(`^${VARIABLE_NAME}$`);

const variableName = z
  .string()
  .regex(VARIABLE_NAME_PATTERN, 'use letters, digits and _ (dots separate parts), starting with a letter or _');

/** A text field that interpolates `{{variable}}`, `{{contact.name}}`, `{{contact.phone}}`, `{{input}}`. */
const text = z.string();
const choiceId = z.string().min(1, 'must not be empty');

/**
 * The longest a flow may wait (a delay, a reply's timeout): a year. Without a bound a timer could
 * land past the last date a Date holds, and every message reaching the node would fail.
 */
export const WAIT_MAX_SECONDS = 366 * 24 * 60 * 60;
const waitSeconds = z.number().positive().max(WAIT_MAX_SECONDS, `must be at most a year (${WAIT_MAX_SECONDS.toLocaleString('en-US')} seconds)`);

/** Options shared by every node that waits for the user's reply. */
const waitingOptions = {
  invalidText: text.optional().meta({ description: 'Sent when the reply is not acceptable (re-prompt).' }),
  maxRetries: z.int().min(0).optional().meta({ description: 'Re-prompts before leaving by `invalid` (default 2).' }),
  timeoutSeconds: waitSeconds.optional().meta({ description: 'Leave by `timeout` after this long without a reply.' }),
};

const interactiveFrame = {
  text: text.meta({ description: 'Body text.' }),
  header: text.optional(),
  footer: text.optional(),
};

export const StartDataSchema = z.object({});

export const MessageDataSchema = z.object({
  text,
  previewUrl: z.boolean().optional().meta({ description: 'Let WhatsApp render a preview of the first link.' }),
});

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

/**
 * Exactly one of two keys. Each branch types the other key as never, so a value with both is
 * unrepresentable; the error says which keys were expected.
 */
function oneOf<A extends z.ZodRawShape, B extends z.ZodRawShape>(keys: [string, string], a: A, b: B) {
  return z.union([z.object(a), z.object(b)], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const given = keys.filter((key) => isRecord(issue.input) && issue.input[key] !== undefined);
      if (given.length === 2) return `set either ${keys[0]} or ${keys[1]}, not both`;
      if (given.length === 0) return `set ${keys[0]} or ${keys[1]}`;
      // the branch of the key that was given explains what else is wrong
      const branch = issue.errors[keys.indexOf(given[0] ?? '')] ?? [];
      return branch
        .map((inner) => (inner.path.length > 0 ? `${inner.path.join('.')}: ${inner.message}` : inner.message))
        .join('; ');
    },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const mediaCommon = {
  mediaType: z.enum(MEDIA_TYPES),
  caption: text.optional().meta({ description: 'Shown on images, videos and documents.' }),
  filename: z.string().optional().meta({ description: 'Shown on documents.' }),
};

/** By public link (interpolated) or by the id of media uploaded to Meta. */
export const MediaDataSchema = oneOf(
  ['url', 'mediaId'],
  { ...mediaCommon, url: text.min(1), mediaId: z.never().optional() },
  { ...mediaCommon, mediaId: z.string().min(1), url: z.never().optional() },
);

export const ButtonsDataSchema = z.object({
  ...interactiveFrame,
  buttons: z.array(z.object({ id: choiceId, title: text })),
  variable: variableName.optional().meta({ description: 'Stores the chosen button title.' }),
  ...waitingOptions,
});

export const ListDataSchema = z.object({
  ...interactiveFrame,
  buttonLabel: text.meta({ description: 'Label of the button that opens the list.' }),
  sections: z.array(
    z.object({
      title: text.optional(),
      rows: z.array(z.object({ id: choiceId, title: text, description: text.optional() })),
    }),
  ),
  variable: variableName.optional().meta({ description: 'Stores the chosen row title.' }),
  ...waitingOptions,
});

const bounds = {
  min: z.number().optional(),
  max: z.number().optional(),
};

export const ValidationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), ...bounds }).meta({ description: 'Any text; min/max bound its length.' }),
  z.object({ type: z.literal('number'), ...bounds }).meta({ description: 'A number; min/max bound its value.' }),
  z.object({ type: z.literal('email') }),
  z.object({ type: z.literal('phone') }),
  z.object({ type: z.literal('date') }).meta({ description: 'YYYY-MM-DD or day-first DD/MM/YYYY; stored as YYYY-MM-DD.' }),
  z.object({ type: z.literal('regex'), pattern: z.string().min(1) }).meta({
    description: 'The answer must contain a match of the RE2 pattern (anchor with ^…$ for a full match).',
  }),
]);

export const QuestionDataSchema = z.object({
  text,
  variable: variableName,
  validation: ValidationSchema.optional(),
  ...waitingOptions,
});

export const UNARY_OPERATORS = ['isSet', 'isEmpty'] as const;
export const BINARY_OPERATORS = [
  'eq', 'neq', 'contains', 'startsWith', 'endsWith', 'gt', 'gte', 'lt', 'lte', 'regex',
] as const;

export const ConditionRuleSchema = z.discriminatedUnion('op', [
  z.object({ left: text, op: z.enum(UNARY_OPERATORS) }),
  z.object({
    left: text,
    op: z.enum(BINARY_OPERATORS),
    right: z.string().meta({ description: 'Interpolated, except for `regex` where it is the pattern itself.' }),
    ignoreCase: z.boolean().optional().meta({
      description:
        'Compare after trimming, lower-casing and removing accents (as triggers are); a `regex` rule matches regardless of case.',
    }),
  }),
]);

export const ConditionDataSchema = z.object({
  match: z.enum(['all', 'any']),
  rules: z.array(ConditionRuleSchema),
});

export const SetVariableDataSchema = z.object({ variable: variableName, value: text });

export const DelayDataSchema = z.object({ seconds: waitSeconds });

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const HttpRequestDataSchema = z.object({
  method: z.enum(HTTP_METHODS),
  url: text.min(1).meta({ description: 'Interpolated values are percent-encoded.' }),
  headers: z.record(z.string(), text).optional(),
  body: z.json().optional().meta({
    description: 'A string is sent as written, interpolated; with a JSON content type (set, or none and the string starts like JSON) its values are JSON-escaped, with a form content type form-encoded. Any other JSON value is sent as JSON with its strings interpolated.',
  }),
  timeoutMs: z.int().positive().optional(),
  saveAs: z.record(variableName, z.string()).optional().meta({
    description: 'variable → path in the JSON response body (`a.b.0.c` or `a.b[0].c`; empty = whole body).',
  }),
});

const templateParameter = z.object({ type: z.literal('text'), text });

export const TemplateDataSchema = z.object({
  name: z.string().min(1),
  language: z.string().min(1).meta({ description: 'Language code, e.g. en_US.' }),
  components: z
    .array(
      z.object({
        type: z.enum(['header', 'body', 'button']),
        sub_type: z.enum(['quick_reply', 'url']).optional(),
        index: z.union([z.string(), z.int().min(0)]).optional(),
        parameters: z.array(templateParameter),
      }),
    )
    .optional(),
});

export const HandoffDataSchema = z.object({ text: text.optional() });

/** Exactly one target: a node of this flow, or another flow. */
export const GotoDataSchema = oneOf(
  ['nodeId', 'flowId'],
  { nodeId: z.string().min(1), flowId: z.never().optional() },
  { flowId: z.string().min(1), nodeId: z.never().optional() },
);

export const EndDataSchema = z.object({ text: text.optional() });

/** Extension: a message with one button that opens a URL (interactive `cta_url`). */
export const CtaUrlDataSchema = z.object({
  ...interactiveFrame,
  buttonText: text,
  url: text.min(1),
});

/** Extension: send a location pin. */
export const LocationDataSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: text.optional(),
  address: text.optional(),
});

/** Extension: ask the user to share their location (interactive `location_request_message`). */
export const LocationRequestDataSchema = z.object({
  text,
  variable: variableName.optional().meta({ description: 'Stores the text WhatsApp gives for the shared location.' }),
  ...waitingOptions,
});

/** Extension: pick one branch at random, by weight; `sticky` keeps a contact on one branch. */
export const RandomSplitDataSchema = z.object({
  branches: z.array(z.object({ id: choiceId, weight: z.number().min(0).optional() })),
  sticky: z.boolean().optional().meta({ description: 'The same contact always takes the same branch (A/B tests).' }),
});

/**
 * Extension: react with an emoji to the user's message the step answers (a `reaction` message).
 * Not empty: an empty emoji would remove a reaction instead.
 */
export const ReactionDataSchema = z.object({
  emoji: z.string().min(1).meta({ description: 'One emoji, e.g. 👍 (sent as it is, not interpolated).' }),
});

const position = z.looseObject({ x: z.number(), y: z.number() });

function nodeSchema<T extends string, D extends z.ZodType>(type: T, data: D, description: string) {
  return z
    .looseObject({ id: z.string().min(1), type: z.literal(type), data, position: position.optional() })
    .meta({ description });
}

const NODE_SCHEMAS = [
  nodeSchema('start', StartDataSchema, 'Where the flow begins. Handles: next.'),
  nodeSchema('message', MessageDataSchema, 'Send a text message. Handles: next.'),
  nodeSchema('media', MediaDataSchema, 'Send an image, video, audio, document or sticker. Handles: next.'),
  nodeSchema('buttons', ButtonsDataSchema, 'Up to 3 reply buttons; waits. Handles: each button id, invalid, timeout.'),
  nodeSchema('list', ListDataSchema, 'A list message; waits. Handles: each row id, invalid, timeout.'),
  nodeSchema('question', QuestionDataSchema, 'Ask and capture a reply into a variable; waits. Handles: next, invalid, timeout.'),
  nodeSchema('condition', ConditionDataSchema, 'Branch on rules. Handles: true, false.'),
  nodeSchema('setVariable', SetVariableDataSchema, 'Store an interpolated value. Handles: next.'),
  nodeSchema('delay', DelayDataSchema, 'Wait a number of seconds (durable). Handles: next.'),
  nodeSchema('httpRequest', HttpRequestDataSchema, 'Call an HTTP API. Handles: success, error.'),
  nodeSchema('template', TemplateDataSchema, 'Send an approved template. Handles: next.'),
  nodeSchema('handoff', HandoffDataSchema, 'Hand the conversation to a person; the bot goes silent.'),
  nodeSchema('goto', GotoDataSchema, 'Jump to a node of this flow or start another flow.'),
  nodeSchema('end', EndDataSchema, 'End the flow, optionally with a text.'),
  nodeSchema('ctaUrl', CtaUrlDataSchema, 'A message with a button that opens a URL. Handles: next.'),
  nodeSchema('location', LocationDataSchema, 'Send a location pin. Handles: next.'),
  nodeSchema('locationRequest', LocationRequestDataSchema, 'Ask for the user\'s location; waits. Handles: next, invalid, timeout.'),
  nodeSchema('randomSplit', RandomSplitDataSchema, 'Take one branch at random, by weight. Handles: each branch id.'),
  nodeSchema('reaction', ReactionDataSchema, 'React with an emoji to the user\'s message; sends nothing in a step no message began. Handles: next.'),
] as const;

export const NODE_TYPES = NODE_SCHEMAS.map((schema) => schema.shape.type.value);

export const FlowNodeSchema = z.discriminatedUnion('type', NODE_SCHEMAS, {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const type = isRecord(issue.input) ? issue.input.type : undefined;
    return `unknown node type ${JSON.stringify(type)}; expected one of: ${NODE_TYPES.join(', ')}`;
  },
});

export const FlowEdgeSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish().meta({ description: 'The handle the edge leaves by; missing means `next`.' }),
});

export const FlowSettingsSchema = z.object({
  sessionTimeoutMinutes: z.number().positive().optional().meta({
    description: 'A session idle longer than this expires (default 24 hours).',
  }),
  restartKeywords: z.array(z.string()).optional().meta({
    description: 'Messages that restart the flow from the start (compared like triggers).',
  }),
  endTexts: z
    .object({
      invalid: text.optional().meta({ description: 'Sent when retries run out and `invalid` is not wired ("" = silent).' }),
      timeout: text.optional().meta({ description: 'Sent when a wait times out and `timeout` is not wired ("" = silent).' }),
    })
    .optional(),
});

export const FlowDefinitionSchema = z
  .looseObject({
    nodes: z.array(FlowNodeSchema),
    edges: z.array(FlowEdgeSchema),
    settings: FlowSettingsSchema.optional(),
  })
  .meta({ title: 'waflow flow definition' });

export type FlowDefinition = z.infer<typeof FlowDefinitionSchema>;
export type FlowNode = z.infer<typeof FlowNodeSchema>;
export type FlowEdge = z.infer<typeof FlowEdgeSchema>;
export type FlowSettings = z.infer<typeof FlowSettingsSchema>;
export type NodeType = FlowNode['type'];
export type NodeOfType<T extends NodeType> = Extract<FlowNode, { type: T }>;

export type MessageData = z.infer<typeof MessageDataSchema>;
export type MediaData = z.infer<typeof MediaDataSchema>;
export type ButtonsData = z.infer<typeof ButtonsDataSchema>;
export type ListData = z.infer<typeof ListDataSchema>;
export type QuestionData = z.infer<typeof QuestionDataSchema>;
export type Validation = z.infer<typeof ValidationSchema>;
export type ConditionData = z.infer<typeof ConditionDataSchema>;
export type ConditionRule = z.infer<typeof ConditionRuleSchema>;
export type SetVariableData = z.infer<typeof SetVariableDataSchema>;
export type DelayData = z.infer<typeof DelayDataSchema>;
export type HttpRequestData = z.infer<typeof HttpRequestDataSchema>;
export type TemplateData = z.infer<typeof TemplateDataSchema>;
export type HandoffData = z.infer<typeof HandoffDataSchema>;
export type GotoData = z.infer<typeof GotoDataSchema>;
export type EndData = z.infer<typeof EndDataSchema>;
export type CtaUrlData = z.infer<typeof CtaUrlDataSchema>;
export type LocationData = z.infer<typeof LocationDataSchema>;
export type LocationRequestData = z.infer<typeof LocationRequestDataSchema>;
export type RandomSplitData = z.infer<typeof RandomSplitDataSchema>;
export type ReactionData = z.infer<typeof ReactionDataSchema>;

export interface DefinitionIssue {
  /** The node the problem is in, when it is inside a node. */
  nodeId?: string;
  /** Where in the document, e.g. `nodes[2].data.buttons[0].title`. */
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; definition: FlowDefinition }
  | { ok: false; issues: DefinitionIssue[] };

/**
 * How deeply a definition may nest, a request body's JSON included: far more than any flow needs.
 * The schema walks JSON values recursively, so a body nested a few thousand levels deep (the
 * flow-builder writes definitions straight to the database) would overflow the stack; it is
 * refused before the schema sees it.
 */
export const MAX_DEFINITION_DEPTH = 64;

export function parseDefinition(input: unknown): ParseResult {
  const tooDeep = pathDeeperThan(input, MAX_DEFINITION_DEPTH);
  if (tooDeep) return { ok: false, issues: [issueAt(input, tooDeep, `nested more than ${MAX_DEFINITION_DEPTH} levels deep`)] };
  const parsed = FlowDefinitionSchema.safeParse(input);
  if (parsed.success) return { ok: true, definition: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => issueAt(input, issue.path, issue.message)) };
}

function issueAt(input: unknown, at: readonly PropertyKey[], message: string): DefinitionIssue {
  const nodeId = nodeIdAt(input, at);
  const path = formatPath(at);
  return nodeId === undefined ? { path, message } : { nodeId, path, message };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** The id of the node a problem path points into (`nodes[i]…`), read from the raw input. */
function nodeIdAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  if (typeof input !== 'object' || input === null) return undefined;
  const nodes: unknown = (input as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) return undefined;
  const node: unknown = nodes[path[1]];
  if (typeof node !== 'object' || node === null) return undefined;
  const id: unknown = (node as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
