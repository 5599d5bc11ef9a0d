/**
 * How the demo shows the bot's messages in a terminal: text as it is, buttons and list rows as
 * numbered choices the person can pick by typing the number.
 */

export interface Choice {
  kind: 'button_reply' | 'list_reply';
  id: string;
  title: string;
}

export interface Rendered {
  lines: string[];
  /** Choices the next typed number picks; empty for messages without any. */
  choices: Choice[];
}

type Json = Record<string, unknown>;

const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Json)[key] : undefined), value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A Cloud API message body (what the bot sent) in terminal lines. */
export function renderBotMessage(body: Json): Rendered {
  const type = text(body.type);
  if (type === 'text') return { lines: [text(get(body, 'text', 'body'))], choices: [] };
  if (type === 'interactive') return renderInteractive(get(body, 'interactive') as Json);
  if (type === 'template') return { lines: [`[template ${text(get(body, 'template', 'name'))}]`], choices: [] };
  const caption = text(get(body, type, 'caption'));
  return { lines: [`[${type}]${caption ? ` ${caption}` : ''}`], choices: [] };
}

function renderInteractive(interactive: Json): Rendered {
  const lines = [text(get(interactive, 'header', 'text')), text(get(interactive, 'body', 'text'))].filter(Boolean);
  const footer = text(get(interactive, 'footer', 'text'));
  let choices: Choice[] = [];
  if (interactive.type === 'button') {
    const buttons = (get(interactive, 'action', 'buttons') as Json[] | undefined) ?? [];
    choices = buttons.map((button) => ({ kind: 'button_reply', id: text(get(button, 'reply', 'id')), title: text(get(button, 'reply', 'title')) }));
  } else if (interactive.type === 'list') {
    const sections = (get(interactive, 'action', 'sections') as Json[] | undefined) ?? [];
    choices = sections.flatMap((section) =>
      ((section.rows as Json[] | undefined) ?? []).map((row) => ({ kind: 'list_reply' as const, id: text(row.id), title: text(row.title) })),
    );
  } else if (interactive.type === 'cta_url') {
    lines.push(`[${text(get(interactive, 'action', 'parameters', 'display_text'))}] ${text(get(interactive, 'action', 'parameters', 'url'))}`);
  }
  if (choices.length > 0) lines.push(choices.map((choice, index) => `${index + 1}) ${choice.title}`).join('   '));
  if (footer) lines.push(footer);
  return { lines, choices };
}

/** The number the person typed, as one of the current choices. */
export function pickChoice(input: string, choices: readonly Choice[]): Choice | null {
  const index = /^\s*(\d+)\s*$/.exec(input)?.[1];
  return index === undefined ? null : (choices[Number(index) - 1] ?? null);
}
