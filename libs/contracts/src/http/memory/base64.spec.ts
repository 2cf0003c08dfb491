import { describe, expect, it } from 'vitest';
import { base64DecodedBytes } from './base64';

describe(base64DecodedBytes.name, () => {
  it('answers the decoded size of padded base64', () => {
    expect(base64DecodedBytes(Buffer.from('hello').toString('base64'))).toBe(5);
    expect(base64DecodedBytes(Buffer.from('hell').toString('base64'))).toBe(4);
    expect(base64DecodedBytes(Buffer.from('hel').toString('base64'))).toBe(3);
  });

  it('reads a data: URI', () => {
    expect(base64DecodedBytes(`data:image/png;base64,${Buffer.from([1, 2, 3, 4]).toString('base64')}`)).toBe(4);
  });

  it.each([
    ['an empty string', ''],
    ['a wrong length', 'abc'],
    ['characters outside the alphabet', 'ab$d'],
    ['padding in the middle', 'ab=dabcd'],
    ['too much padding', 'a==='],
    ['a data: URI that is not base64', 'data:text/plain,hello'],
  ])('refuses %s', (_, data) => {
    expect(base64DecodedBytes(data)).toBeNull();
  });
});
