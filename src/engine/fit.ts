/**
 * Cutting text to a length without breaking characters. Lengths are JavaScript string lengths
 * (UTF-16 units), never fewer than the characters WhatsApp counts, and cuts fall between
 * grapheme clusters so no emoji or accented letter is split.
 */
const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The text itself if it fits in `max`, else its longest fitting start plus "…". */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  return cut(text, max - ELLIPSIS.length).trimEnd() + ELLIPSIS;
}

/** The longest start of the text that fits in `max`. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out;
}
