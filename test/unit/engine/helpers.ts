/** Building blocks for engine tests: definitions, inbound messages, scripted conversations. */
import { type FlowDefinition, parseDefinition } from '../../../src/flows/definition.js';
import { step } from '../../../src/engine/step.js';
import { type Effect, type EngineInput, type EngineState, type StepResult, initialState } from '../../../src/engine/types.js';
import type { InboundSummary } from '../../../src/whatsapp/inbound.js';
import { LIMITS } from '../../../src/whatsapp/limits.js';
import type { OutboundMessage } from '../../../src/whatsapp/outbound.js';

export const CONTACT = { name: 'Ana', phone: '34600111222' };
export const T0 = Date.UTC(2025, 0, 1, 9, 0, 0);
export const SECOND = 1000;

/** Parses a raw definition, failing the test on schema issues. */
export function definition(raw: unknown): FlowDefinition {
  const parsed = parseDefinition(raw);
  if (!parsed.ok) throw new Error(`invalid test definition: ${JSON.stringify(parsed.issues)}`);
  return parsed.definition;
}

type RawNode = { id: string; type: string; data: Record<string, unknown> };

/** A definition from nodes and `[source, target, handle?]` edges. */
export function flow(nodes: RawNode[], edges: [string, string, string?][], settings?: Record<string, unknown>): FlowDefinition {
  return definition({
    nodes,
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i}`,
      source,
      target,
      ...(sourceHandle === undefined ? {} : { sourceHandle }),
    })),
    ...(settings === undefined ? {} : { settings }),
  });
}

export const node = (id: string, type: string, data: Record<string, unknown> = {}): RawNode => ({ id, type, data });

export const text = (body: string): InboundSummary => ({ type: 'text', text: body, reply: null, replyTo: null });
export const buttonReply = (id: string, title: string): InboundSummary => ({
  type: 'interactive',
  text: title,
  reply: { kind: 'button_reply', id, title },
  replyTo: null,
});
export const listReply = (id: string, title: string): InboundSummary => ({
  type: 'interactive',
  text: title,
  reply: { kind: 'list_reply', id, title },
  replyTo: null,
});
export const inbound = (type: string, caption: string | null = null): InboundSummary => ({
  type,
  text: caption,
  reply: null,
  replyTo: null,
});

/** `wamid` is the message's id, what a reaction node reacts to (none unless a test needs one). */
export const start = (message: InboundSummary | null = null, wamid: string | null = null): EngineInput => ({ kind: 'start', message, wamid });
export const says = (message: InboundSummary | string, wamid: string | null = null): EngineInput => ({
  kind: 'message',
  message: typeof message === 'string' ? text(message) : message,
  wamid,
});
export const timer = (dueAt: number): EngineInput => ({ kind: 'timer', dueAt });

export const sendText = (body: string): Effect => ({ kind: 'send', message: { type: 'text', text: { body } } });
export const send = (message: OutboundMessage): Effect => ({ kind: 'send', message });

/** A full state from the fields a test cares about. */
export function state(fields: Partial<EngineState>): EngineState {
  return { ...initialState(), ...fields };
}

export interface Played {
  steps: StepResult[];
  state: EngineState;
  /** Every effect of every step, in order. */
  effects: Effect[];
}

/** Runs a script of `[time, input]` pairs from a state, as the conversation worker would. */
export function play(
  def: FlowDefinition,
  script: [number, EngineInput][],
  options: { from?: EngineState; maxNodesPerStep?: number; contact?: { name: string | null; phone: string } } = {},
): Played {
  let current = options.from ?? initialState();
  const steps: StepResult[] = [];
  for (const [now, input] of script) {
    const result = step(def, current, input, {
      contact: options.contact ?? CONTACT,
      now,
      maxNodesPerStep: options.maxNodesPerStep ?? 50,
    });
    steps.push(result);
    current = result.state;
  }
  return { steps, state: current, effects: steps.flatMap((result) => result.effects) };
}

/** Every way an outbound message breaks WhatsApp's limits (empty when it is sendable). */
export function limitViolations(message: OutboundMessage): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const fits = (value: string, max: number) => value.length <= max && value.trim() !== '';
  if (message.type === 'text') check(fits(message.text.body, LIMITS.textBody), 'text body');
  // an empty emoji would remove a reaction rather than send one
  if (message.type === 'reaction') check(message.reaction.message_id !== '' && message.reaction.emoji !== '', 'reaction target and emoji');
  if (message.type !== 'interactive') return problems;
  const interactive = message.interactive;
  check(fits(interactive.body.text, LIMITS.interactiveBody), 'body');
  if ('header' in interactive && interactive.header) check(fits(interactive.header.text, LIMITS.headerText), 'header');
  if ('footer' in interactive && interactive.footer) check(fits(interactive.footer.text, LIMITS.footerText), 'footer');
  if (interactive.type === 'button') {
    const buttons = interactive.action.buttons;
    check(buttons.length >= 1 && buttons.length <= LIMITS.buttons.max, 'button count');
    check(new Set(buttons.map((b) => b.reply.id)).size === buttons.length, 'unique button ids');
    check(new Set(buttons.map((b) => b.reply.title)).size === buttons.length, 'unique button titles');
    for (const { reply } of buttons) {
      check(fits(reply.title, LIMITS.buttons.title), 'button title');
      check(reply.id.length >= 1 && reply.id.length <= LIMITS.buttons.id, 'button id');
    }
  }
  if (interactive.type === 'list') {
    const { sections, button } = interactive.action;
    const rows = sections.flatMap((section) => section.rows);
    check(fits(button, LIMITS.list.button), 'list button');
    check(sections.length >= 1 && sections.length <= LIMITS.list.sections, 'section count');
    check(rows.length >= 1 && rows.length <= LIMITS.list.rows, 'row count');
    check(new Set(rows.map((row) => row.id)).size === rows.length, 'unique row ids');
    for (const section of sections) {
      check(section.rows.length >= 1, 'empty section');
      if (sections.length > 1 || section.title !== undefined) check(fits(section.title ?? '', LIMITS.list.sectionTitle), 'section title');
    }
    for (const row of rows) {
      check(fits(row.title, LIMITS.list.rowTitle), 'row title');
      check(row.id.length >= 1 && row.id.length <= LIMITS.list.rowId, 'row id');
      if (row.description !== undefined) check(fits(row.description, LIMITS.list.rowDescription), 'row description');
    }
  }
  if (interactive.type === 'cta_url') {
    check(fits(interactive.action.parameters.display_text, LIMITS.ctaUrl.displayText), 'cta display text');
    check(interactive.action.parameters.url.trim() !== '', 'cta url');
  }
  return problems;
}
