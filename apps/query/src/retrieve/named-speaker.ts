/**
 * Whether a query names a message's speaker as a whole word, case-insensitively: "What does Melanie
 * like?" names Melanie, "Melanies" does not. Each speaker's pattern is built once per query.
 */
export function namedSpeakerMatcher(query: string): (speaker: unknown) => boolean {
  const patterns = new Map<string, boolean>();
  return (speaker) => {
    if (typeof speaker !== 'string' || speaker.trim() === '') return false;
    const name = speaker.trim();
    let named = patterns.get(name);
    if (named === undefined) {
      named = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'iu').test(query);
      patterns.set(name, named);
    }
    return named;
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
