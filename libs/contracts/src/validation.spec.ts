import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from './errors';
import { parseOrThrow } from './validation';

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

  it('answers the parsed value when every string is storable', () => {
    expect(parseOrThrow(schema, { documents: [{ content: 'tab\tnewline\n' }], metadata: { a: 1 } })).toEqual({
      documents: [{ content: 'tab\tnewline\n' }],
      metadata: { a: 1 },
    });
  });
});
