import type { MessageNeighbour } from '@recollect/contracts';

/**
 * Most characters of a neighbour's text a change carries. Every message of a change carries both its
 * neighbours, so whole texts would make a change three times its command, past what the bus takes
 * for a large add. Ingestion embeds a short turn with only the last words of the turn before; the
 * lexical document of a message holds its neighbours too, so a neighbour longer than this adds only
 * its nearest 2,000 characters to it.
 */
export const MAX_NEIGHBOUR_CHARS = 2_000;
/** A cut moves back to the nearest word boundary within this many characters, or stays where it fell. */
const WORD_SNAP_CHARS = 100;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The message before, as context: the end of its text, from a word's start. */
export function previousNeighbour(authorName: string | null, text: string): MessageNeighbour {
  if (text.length <= MAX_NEIGHBOUR_CHARS) return { authorName, text };
  let end = text.slice(-MAX_NEIGHBOUR_CHARS);
  const firstSpace = end.slice(0, WORD_SNAP_CHARS).search(/\s/);
  if (!/\s/.test(text[text.length - MAX_NEIGHBOUR_CHARS - 1]!) && firstSpace >= 0) end = end.slice(firstSpace + 1);
  else if (isLowSurrogate(end.charCodeAt(0))) end = end.slice(1);
  return { authorName, text: end };
}

/** The message after, as context: the start of its text, up to a word's end. */
export function nextNeighbour(authorName: string | null, text: string): MessageNeighbour {
  if (text.length <= MAX_NEIGHBOUR_CHARS) return { authorName, text };
  let start = text.slice(0, MAX_NEIGHBOUR_CHARS);
  const lastSpace = start.slice(-WORD_SNAP_CHARS).search(/\s\S*$/);
  if (!/\s/.test(text[MAX_NEIGHBOUR_CHARS]!) && lastSpace >= 0) start = start.slice(0, MAX_NEIGHBOUR_CHARS - WORD_SNAP_CHARS + lastSpace);
  else if (isHighSurrogate(start.charCodeAt(start.length - 1))) start = start.slice(0, -1);
  return { authorName, text: start };
}
