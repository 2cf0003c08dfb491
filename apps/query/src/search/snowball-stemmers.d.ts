/** The part of snowball-stemmers (a JavaScript port of the Snowball stemmers) that word-adjacency.ts uses. */
declare module 'snowball-stemmers' {
  export interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(language: string): Stemmer;
}
