/** Longest first line still read as a heading rather than as the start of the text. */
export const MAX_TITLE_WORDS = 40;

/**
 * A document's title, for the lexical title field: metadata `title` when the client sent one, else
 * a first line that reads as a heading (markdown `#` marks dropped): at most MAX_TITLE_WORDS words,
 * followed by a line break and more text. Null when there is neither.
 */
export function documentTitle(content: string, metadata: Record<string, unknown>): string | null {
  const given = typeof metadata.title === 'string' ? metadata.title.trim() : '';
  if (given) return given;
  const text = content.trimStart();
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0 || text.slice(lineEnd).trim() === '') return null;
  const line = text.slice(0, lineEnd).replace(/^#{1,6}\s+/, '').trim();
  const words = line.split(/\s+/).filter(Boolean).length;
  return words > 0 && words <= MAX_TITLE_WORDS ? line : null;
}
