import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../validation';
import { searchContextBodySchema } from './search-context.dto';

const thresholds = { similarity_threshold: 1, minimum_similarity_threshold: 0 };

describe('searchContextBodySchema', () => {
  it('requires both thresholds, naming each one missing', () => {
    expect(() => parseOrThrow(searchContextBodySchema, { query: 'q' })).toThrow('Invalid body: similarity_threshold: is required; minimum_similarity_threshold: is required');
    expect(() => parseOrThrow(searchContextBodySchema, { query: 'q', similarity_threshold: 1 })).toThrow('minimum_similarity_threshold');
    expect(() => parseOrThrow(searchContextBodySchema, { query: 'q', minimum_similarity_threshold: 0 })).toThrow(/^Invalid body: similarity_threshold/);
  });

  it('refuses filters that name the same thing differently, instead of dropping one', () => {
    const parse = (body: object) => parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds, ...body });
    expect(() => parse({ scope: 'external', metadata: { scope: 'internal' } })).toThrow('Invalid body: metadata.scope: conflicts with scope "external"');
    expect(() => parse({ scope: 'internal', body_metadata: { scope: 'external' } })).toThrow('body_metadata.scope: conflicts with scope "internal"');
    expect(() => parse({ metadata: { sessionId: 'a', memoryId: 'b' } })).toThrow('metadata.memoryId: must equal sessionId');
    expect(() => parse({ metadata: { source: 'a' }, body_metadata: { source: 'b' } })).toThrow('body_metadata.source: conflicts with metadata.source');
    expect(parse({ scope: 'external', metadata: { scope: 'external', groupName: 'g' }, body_metadata: { groupName: ['g'], source: 's' } }).metadata).toEqual({ scope: 'external', groupName: ['g'] });
    expect(() => parse({ scope: 'public' })).toThrow('scope');
  });

  it('checks the filter metadata and body_metadata make together, naming where the second name came from', () => {
    const parse = (body: object) => parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds, ...body });
    expect(() => parse({ metadata: { sessionId: 'a' }, body_metadata: { memoryId: 'b' } })).toThrow('Invalid body: body_metadata.memoryId: must equal sessionId');
    expect(() => parse({ metadata: { source: 's' }, body_metadata: { sessionId: 'a' } })).toThrow('Invalid body: body_metadata.sessionId: filter by source or by memory session, not both');
    expect(() => parse({ metadata: { memoryId: 'a', source: 's' } })).toThrow('metadata.memoryId: filter by source or by memory session, not both');
    expect(() => parse({ metadata: { fileName: 'a.txt' }, body_metadata: { file_name: 'b.txt' } })).toThrow('body_metadata.file_name: must equal fileName');
    expect(() => parse({ scope: 'internal', body_metadata: { scope: 'external' }, metadata: { fileName: 'f' } })).toThrow('body_metadata.scope: conflicts with scope');
  });

  it('takes the same filter in both places as one: group names in any order, range bounds, and keys that filter nothing', () => {
    const parse = (body: object) => parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds, ...body });
    const range = { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' };
    expect(() =>
      parse({
        metadata: { groupName: ['a', 'b'], lastModified: range, constructor: 'x', toString: 'y', note: 1 },
        body_metadata: { groupName: ['b', 'a'], lastModified: { to: range.to, from: range.from }, note: 2 },
      }),
    ).not.toThrow();
  });

  it('leaves the scope to whoever builds the filter when none is given (internal, by the OpenAPI default)', () => {
    expect(parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds }).scope).toBeUndefined();
  });
});
