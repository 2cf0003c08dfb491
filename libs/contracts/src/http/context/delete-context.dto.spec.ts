import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../validation';
import { deleteContextBodySchema } from './delete-context.dto';

describe('deleteContextBodySchema', () => {
  it('refuses a memory session as a source, naming the route that deletes it whole', () => {
    expect(() => parseOrThrow(deleteContextBodySchema, { source: 'memory:s1' })).toThrow(
      'source: must not start with "memory:", which names a memory session: delete it with POST /api/v1/context/memory/delete',
    );
    expect(() => parseOrThrow(deleteContextBodySchema, { source: 'memory:s1', by_id: true })).toThrow('source: must not start with "memory:"');
    expect(parseOrThrow(deleteContextBodySchema, { source: 'memories:s1' }).source).toBe('memories:s1');
    expect(() => parseOrThrow(deleteContextBodySchema, {})).toThrow('source: is required');
  });
});
