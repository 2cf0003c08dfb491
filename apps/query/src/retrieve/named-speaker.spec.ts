import { describe, expect, it } from 'vitest';
import { namedSpeakerMatcher } from './named-speaker';

describe(namedSpeakerMatcher.name, () => {
  it('matches a speaker named as a whole word, whatever the case', () => {
    const sut = namedSpeakerMatcher("What do melanie's kids like?");
    expect(sut('Melanie')).toBe(true);
    expect(sut('Caroline')).toBe(false);
  });

  it('does not match a name inside a longer word', () => {
    expect(namedSpeakerMatcher('Where do the Melanies live?')('Melanie')).toBe(false);
    expect(namedSpeakerMatcher('Is Ann there?')('An')).toBe(false);
  });

  it('matches names with spaces, punctuation and letters beyond ASCII literally', () => {
    expect(namedSpeakerMatcher('What did Dr. Chen say?')('Dr. Chen')).toBe(true);
    expect(namedSpeakerMatcher('What did Dr Chen say?')('Dr. Chen')).toBe(false);
    expect(namedSpeakerMatcher('Où est Zoë ?')('Zoë')).toBe(true);
    expect(namedSpeakerMatcher('Who is a+b?')('a+b')).toBe(true);
  });

  it('never matches a missing or blank speaker', () => {
    const sut = namedSpeakerMatcher('anything at all');
    expect(sut(undefined)).toBe(false);
    expect(sut('  ')).toBe(false);
    expect(sut(42)).toBe(false);
  });
});
