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

  it('searches internal context unless a scope is given', () => {
    expect(parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds }).scope).toBe('internal');
    expect(parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds, scope: 'external' }).scope).toBe('external');
    expect(() => parseOrThrow(searchContextBodySchema, { query: 'q', ...thresholds, scope: 'public' })).toThrow('scope');
  });
});
