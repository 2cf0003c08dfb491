/**
 * Whether a query names a message's speaker as a whole word, case-insensitively: "What does Melanie
 * like?" names Melanie, "Melanies" does not. Each speaker is looked for once per query.
 */
export function namedSpeakerMatcher(query: string): (speaker: unknown) => boolean {
  const named = new Map<string, boolean>();
  return (speaker) => {
    const name = typeof speaker === 'string' ? speaker.trim() : '';
    if (name === '') return false;
    let found = named.get(name);
    if (found === undefined) {
      found = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'iu').test(query);
      named.set(name, found);
    }
    return found;
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
