import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, ErrorCode } from './errors';
import { MAX_JSON_DEPTH, parseOrThrow, parseQueryOrThrow } from './validation';

const schema = z.object({ documents: z.array(z.object({ content: z.string() }).catchall(z.unknown())), metadata: z.record(z.string(), z.unknown()) });

describe(parseOrThrow.name, () => {
  it('names each bad field and its rule', () => {
    expect(() => parseOrThrow(schema, { documents: [{ content: 1 }], metadata: {} })).toThrow(
      expect.objectContaining({ code: ErrorCode.ValidationFailed, message: expect.stringMatching(/^Invalid body: documents\[0\]\.content: /) }),
    );
  });

  it.each([
    ['a string value', { documents: [{ content: 'a\u0000b' }], metadata: {} }, 'documents[0].content'],
    ['a nested metadata value', { documents: [{ content: 'ok' }], metadata: { tags: ['x', 'y\u0000'] } }, 'metadata.tags[1]'],
    ['a key', { documents: [{ content: 'ok', 'bad\u0000key': 'v' }], metadata: {} }, 'documents[0].bad\u0000key'],
  ])('refuses the NUL character in %s, which PostgreSQL cannot store, naming where it is', (_, input, field) => {
    let thrown: unknown;
    try {
      parseOrThrow(schema, input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: ErrorCode.ValidationFailed, details: { issues: [{ field, rule: 'no_nul_character' }] } });
  });

  const nested = (levels: number): unknown => {
    let value: unknown = 'leaf';
    for (let level = 0; level < levels; level += 1) value = level % 2 ? [value] : { deeper: value };
    return value;
  };
  const issuesOf = (input: unknown): unknown => {
    try {
      parseOrThrow(schema, input);
    } catch (error) {
      return (error as { details?: unknown }).details;
    }
    return undefined;
  };

  it('refuses a body nested deeper than the limit with a 400 naming where, however deep it goes', () => {
    // The body and metadata take two levels; 62 more reach the limit exactly.
    expect(issuesOf({ documents: [{ content: 'ok' }], metadata: { x: nested(MAX_JSON_DEPTH - 2) } })).toBeUndefined();
    expect(issuesOf({ documents: [{ content: 'ok' }], metadata: { x: nested(MAX_JSON_DEPTH - 1) } })).toEqual({
      issues: [{ field: expect.stringMatching(/^metadata\.x(\.deeper|\[0\])+$/), rule: 'max_depth', message: expect.stringContaining(`${MAX_JSON_DEPTH} levels`) }],
    });
    // Deep enough to exhaust the stack of a walk without the bound.
    expect(issuesOf({ documents: [], metadata: { x: nested(200_000) } })).toMatchObject({ issues: [{ rule: 'max_depth' }] });
  });

  it.each([
    ['a string value', { documents: [{ content: 'cut mid-emoji \ud83d' }], metadata: {} }, 'documents[0].content'],
    ['a key', { documents: [{ content: 'ok' }], metadata: { ['\udc00key']: 1 } }, 'metadata.\udc00key'],
  ])('refuses an unpaired surrogate in %s, which jsonb cannot store, naming where it is', (_, input, field) => {
    expect(issuesOf(input)).toMatchObject({ issues: [{ field, rule: 'well_formed_unicode' }] });
  });

  it('refuses a number JSON.parse read as Infinity (1e309 and the like), which would be stored as null', () => {
    const body = JSON.parse('{"documents":[{"content":"ok"}],"metadata":{"fileSize":1,"size":[1e309]}}');
    expect(issuesOf(body)).toMatchObject({ issues: [{ field: 'metadata.size[0]', rule: 'finite_number' }] });
    expect(issuesOf({ documents: [{ content: 'ok' }], metadata: { n: -Infinity } })).toMatchObject({ issues: [{ field: 'metadata.n', rule: 'finite_number' }] });
  });

  it('answers the parsed value when every string is storable', () => {
    expect(parseOrThrow(schema, { documents: [{ content: 'tab\tnewline\n 💥 paired' }], metadata: { a: 1 } })).toEqual({
      documents: [{ content: 'tab\tnewline\n 💥 paired' }],
      metadata: { a: 1 },
    });
  });
});

describe(parseQueryOrThrow.name, () => {
  const query = z.object({ file_name: z.string().optional(), limit: z.coerce.number().int().default(10) });

  it('refuses a known parameter given twice, or in a bracket form, naming it', () => {
    expect(() => parseQueryOrThrow(query, { limit: ['10', '20'] })).toThrow('Invalid query string: limit: must be given once (it was given 2 times)');
    expect(() => parseQueryOrThrow(query, { 'file_name[]': 'a' })).toThrow('file_name: must be given once, as file_name=value (file_name[] was given)');
    expect(() => parseQueryOrThrow(query, { 'file_name[a]': 'b', limit: '5' })).toThrow(DomainError);
  });

  it('reads plain parameters, and ignores ones it does not know', () => {
    expect(parseQueryOrThrow(query, { file_name: 'a.txt', limit: '5', _: '1712', 'cache[]': 'x' })).toEqual({ file_name: 'a.txt', limit: 5 });
    expect(parseQueryOrThrow(query, undefined)).toEqual({ limit: 10 });
  });
});

describe('the words of a refusal', () => {
  it('says a coerced parameter must be a number, and keeps only the type issue of a value of the wrong type', () => {
    const query = z.object({ limit: z.coerce.number().int().min(1) });
    expect(() => parseQueryOrThrow(query, { limit: 'ten' })).toThrow('Invalid query string: limit: must be a number');
    const body = z.object({ groupName: z.array(z.string()).max(64) });
    expect(() => parseOrThrow(body, { groupName: 'x'.repeat(100) })).toThrow(/^Invalid body: groupName: Invalid input: expected array, received string$/);
  });
});
