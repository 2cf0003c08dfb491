import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../validation';
import { addContextBodySchema, effectiveFileName } from './add-context.dto';

const body = (document: Record<string, unknown>) => ({ documents: [{ content: 'x', ...document }], source: 's', context_type: 'resource' });

describe('addContextBodySchema', () => {
  it("holds a document's own fileName and lastModified, which override the call's, to the call's rules", () => {
    expect(() => parseOrThrow(addContextBodySchema, body({ lastModified: '+010000-01-01T00:00:00Z' }))).toThrow(
      'documents[0].lastModified: must fall within the years 0001 to 9999, in UTC',
    );
    expect(() => parseOrThrow(addContextBodySchema, body({ fileName: 'f'.repeat(1025) }))).toThrow('documents[0].fileName');
    expect(parseOrThrow(addContextBodySchema, body({ lastModified: '2025-01-10T12:34:56+02:00', fileName: 'a.txt', owner: 'ops' })).documents[0]).toEqual({
      content: 'x',
      lastModified: '2025-01-10T10:34:56.000Z',
      fileName: 'a.txt',
      owner: 'ops',
    });
  });

  it('refuses fileName and file_name that disagree in one place, naming file_name', () => {
    expect(() => parseOrThrow(addContextBodySchema, body({ fileName: 'a.txt', file_name: 'b.txt' }))).toThrow('documents[0].file_name: conflicts with fileName "a.txt"');
    expect(() => parseOrThrow(addContextBodySchema, { ...body({}), metadata: { fileName: 'a.txt', file_name: 'b.txt' } })).toThrow('metadata.file_name: conflicts with fileName');
    expect(parseOrThrow(addContextBodySchema, { ...body({ file_name: 'a.txt' }), metadata: { fileName: 'a.txt', file_name: 'a.txt' } }).metadata.fileName).toBe('a.txt');
    // An empty one is reported by its own rule alone.
    expect(() => parseOrThrow(addContextBodySchema, body({ fileName: '', file_name: 'b.txt' }))).toThrow(/^Invalid body: documents\[0\]\.fileName: [^;]*$/);
  });

  it('refuses a source in the namespace of memory sessions, whose messages it would otherwise join', () => {
    expect(() => parseOrThrow(addContextBodySchema, { ...body({}), source: 'memory:s1' })).toThrow('source: must not start with "memory:", which names memory sessions');
    expect(parseOrThrow(addContextBodySchema, { ...body({}), source: 'memories:s1' }).source).toBe('memories:s1');
  });

  it('refuses a document whose content is only whitespace, which would make no chunk', () => {
    for (const content of [' ', '\n\t', '\u00a0', '\u2028', '\u3000 ']) {
      expect(() => parseOrThrow(addContextBodySchema, body({ content }))).toThrow('documents[0].content: must hold some text, not only whitespace');
    }
    expect(parseOrThrow(addContextBodySchema, body({ content: ' x ' })).documents[0]!.content).toBe(' x ');
  });

  it('stores a document under its own fileName, else its file_name, else the call\'s, in that order', () => {
    expect(effectiveFileName({ fileName: 'call.txt', file_name: 'snake.txt' })).toBe('call.txt');
    expect(effectiveFileName({ file_name: 'snake.txt' })).toBe('snake.txt');
    expect(effectiveFileName({ fileName: '', file_name: 42 })).toBeNull();
    expect(() => parseOrThrow(addContextBodySchema, { ...body({}), metadata: { file_name: 'f'.repeat(1025) } })).toThrow('metadata.file_name');
  });
});
