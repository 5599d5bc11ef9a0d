/**
 * Which choice a reply picks: the reply id of a tapped button or row, when the tapped title is
 * that choice's (or the reply has none); otherwise a typed (or tapped, from an older message)
 * title equal to a choice's title as triggers compare text, or the choice's 1-based number
 * ("2", "2.", "2)").
 *
 * Ids alone cannot be trusted: WhatsApp keeps old buttons tappable, and ids are often positional
 * ("opt-0", "opt-1" in the seed's flows), so "No" tapped on an earlier question carries the id of
 * "Support" at the current one. The title tells them apart.
 */
import { normalizeText } from '../flows/trigger.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { Choice, Rendered } from './render.js';
import type { Verdict } from './waiting.js';

const NUMBERED = /^(\d{1,2})\s*[.)]?$/;

export function matchChoice(choices: readonly Choice[], message: InboundSummary): Choice | null {
  const byId = message.reply ? choiceTapped(choices, message.reply) : undefined;
  if (byId) return byId;
  for (const said of [message.reply?.title, message.text]) {
    if (said === undefined || said === null) continue;
    const key = normalizeText(said);
    const byTitle = choices.find((choice) => normalizeText(choice.title) === key);
    if (byTitle) return byTitle;
    const number = NUMBERED.exec(key)?.[1];
    const byNumber = number === undefined ? undefined : choices[Number(number) - 1];
    if (byNumber) return byNumber;
  }
  return null;
}

/** The choice with the reply's id, unless the reply names another title (a tap on an older message). */
function choiceTapped(choices: readonly Choice[], reply: { id: string; title: string }): Choice | undefined {
  const choice = choices.find((candidate) => candidate.id === reply.id);
  if (!choice) return undefined;
  const title = normalizeText(reply.title);
  return title === '' || title === normalizeText(choice.title) ? choice : undefined;
}

export const CHOOSE_AGAIN = 'Please choose one of the options.';

/** The verdict on a reply to buttons or a list: the matched choice's id, its title stored if asked. */
export function choiceVerdict(variable: string | undefined, choices: Rendered<Choice[]>, message: InboundSummary): Verdict {
  if (!choices.ok) return { kind: 'broken', reason: choices.reason };
  const choice = matchChoice(choices.value, message);
  if (!choice) return { kind: 'reject' };
  return {
    kind: 'accept',
    handle: choice.id,
    ...(variable === undefined ? {} : { store: { variable, value: choice.title } }),
  };
}
