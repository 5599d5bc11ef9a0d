/**
 * Which choice a reply picks: the reply id of a tapped button or row; otherwise a typed (or
 * tapped, from an older message) title equal to a choice's title as triggers compare text, or the
 * choice's 1-based number ("2", "2.", "2)").
 */
import { normalizeText } from '../flows/trigger.js';
import type { InboundSummary } from '../whatsapp/inbound.js';
import type { Choice, Rendered } from './render.js';
import type { Verdict } from './waiting.js';

const NUMBERED = /^(\d{1,2})\s*[.)]?$/;

export function matchChoice(choices: readonly Choice[], message: InboundSummary): Choice | null {
  const byId = message.reply && choices.find((choice) => choice.id === message.reply?.id);
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
