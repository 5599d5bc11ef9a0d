/**
 * Which flow an inbound message starts. `matchesTrigger` keeps the seed's behaviour exactly (the
 * flow-builder app and its tests rely on it); `chooseFlowByTrigger` ranks the candidates as
 * DESIGN §4 orders them, using the same normalisation.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Trim, strip diacritics, lower-case: "  Hólá " → "hola". In this order, as the seed does. */
export function normalizeText(text: string): string {
  const trimmed = text.trim();
  try {
    return trimmed.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
  } catch {
    return trimmed.toLowerCase();
  }
}

/**
 * The seed's rule: no text or no keyword never matches; "default" matches any text; otherwise the
 * keyword must occur in the message. Note that a keyword of only spaces normalises to "" and so
 * matches every text, as in the seed; the ranking below does not copy that.
 */
export function matchesTrigger(messageText: string | null, triggerKeyword: string): boolean {
  if (!messageText || !triggerKeyword) return false;
  const message = normalizeText(messageText);
  const keyword = normalizeText(triggerKeyword);
  if (keyword === 'default') return true;
  // The seed also tests whole words, which a substring test already covers.
  return message.includes(keyword);
}

export const TRIGGER_RANKS = ['exact', 'word', 'substring', 'default'] as const;
export type TriggerRank = (typeof TRIGGER_RANKS)[number];

/**
 * How well a message matches a trigger, or null. Decisions:
 * - "default" matches every message, including one with no text (an image, a location…): a
 *   contact who opens with a photo still gets the welcome flow.
 * - Other triggers never match a message with no text, and a blank trigger matches nothing.
 * - A whole word is bounded by the ends of the text or by characters that are not letters or
 *   digits, so "hola, ¿precio?" matches "hola" and "precio" as words; a multi-word keyword
 *   ("buenos dias") is a whole-word match when it stands between such boundaries.
 */
export function triggerRank(text: string | null, trigger: string): TriggerRank | null {
  const keyword = normalizeText(trigger);
  if (keyword === 'default') return 'default';
  if (!text || keyword === '') return null;
  const message = normalizeText(text);
  if (message === keyword) return 'exact';
  if (containsWord(message, keyword)) return 'word';
  if (message.includes(keyword)) return 'substring';
  return null;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function containsWord(message: string, keyword: string): boolean {
  for (let at = message.indexOf(keyword); at !== -1; at = message.indexOf(keyword, at + 1)) {
    const before = message[at - 1];
    const after = message[at + keyword.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after))) {
      return true;
    }
  }
  return false;
}

export interface TriggerCandidate {
  id: string;
  trigger: string;
  updatedAt: Date;
}

/**
 * The flow a message should start: the best rank wins (exact > whole word > substring >
 * "default"); among equals the most recently updated flow, then the smallest id so the choice
 * never depends on the order flows were loaded in.
 */
export function chooseFlowByTrigger<F extends TriggerCandidate>(flows: readonly F[], text: string | null): F | null {
  let best: { flow: F; rank: number } | null = null;
  for (const flow of flows) {
    const rank = triggerRank(text, flow.trigger);
    if (rank === null) continue;
    const candidate = { flow, rank: TRIGGER_RANKS.indexOf(rank) };
    if (best === null || outranks(candidate, best)) best = candidate;
  }
  return best?.flow ?? null;
}

function outranks(a: { flow: TriggerCandidate; rank: number }, b: { flow: TriggerCandidate; rank: number }): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  const byTime = a.flow.updatedAt.getTime() - b.flow.updatedAt.getTime();
  if (byTime !== 0) return byTime > 0;
  return a.flow.id < b.flow.id;
}
