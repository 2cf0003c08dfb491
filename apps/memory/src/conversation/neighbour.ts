import type { MessageNeighbour } from '@recollect/contracts';

/**
 * Most characters of a neighbour's text a change carries. Every message of a change carries both its
 * neighbours, so whole texts would make a change three times its command, past what the bus takes
 * for a large add. Ingestion reads only the end of the previous turn for embedding, and the lexical
 * document is about the message itself.
 */
export const MAX_NEIGHBOUR_CHARS = 2_000;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The message before, as context: the end of its text, from a word's start. */
export function previousNeighbour(authorName: string | null, text: string): MessageNeighbour {
  if (text.length <= MAX_NEIGHBOUR_CHARS) return { authorName, text };
  let end = text.slice(-MAX_NEIGHBOUR_CHARS);
  const firstSpace = end.search(/\s/);
  if (!/\s/.test(text[text.length - MAX_NEIGHBOUR_CHARS - 1]!) && firstSpace >= 0) end = end.slice(firstSpace + 1);
  else if (isLowSurrogate(end.charCodeAt(0))) end = end.slice(1);
  return { authorName, text: end };
}

/** The message after, as context: the start of its text, up to a word's end. */
export function nextNeighbour(authorName: string | null, text: string): MessageNeighbour {
  if (text.length <= MAX_NEIGHBOUR_CHARS) return { authorName, text };
  let start = text.slice(0, MAX_NEIGHBOUR_CHARS);
  const lastSpace = start.search(/\s\S*$/);
  if (!/\s/.test(text[MAX_NEIGHBOUR_CHARS]!) && lastSpace >= 0) start = start.slice(0, lastSpace);
  else if (isHighSurrogate(start.charCodeAt(start.length - 1))) start = start.slice(0, -1);
  return { authorName, text: start };
}
