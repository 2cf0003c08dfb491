import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../validation';
import { addMemoryBodySchema, deleteMemoryBodySchema } from './alchemyst-memory.dto';

const contents = [
  { content: 'Customer asked about pricing.', id: 'msg-1', role: 'user', createdAt: '2025-01-10T12:34:56.000Z', metadata: { messageId: 'msg-1' } },
];

describe('addMemoryBodySchema', () => {
  it('takes the session from sessionId (seed 002)', () => {
    expect(parseOrThrow(addMemoryBodySchema, { sessionId: 's1', contents }).sessionId).toBe('s1');
  });

  it('takes the session from memoryId (@alchemystai/sdk)', () => {
    const parsed = parseOrThrow(addMemoryBodySchema, { memoryId: 's1', contents });
    expect(parsed.sessionId).toBe('s1');
    expect(parsed).not.toHaveProperty('memoryId');
  });

  it('refuses a body naming no session', () => {
    expect(() => parseOrThrow(addMemoryBodySchema, { contents })).toThrow(/sessionId: is required/);
  });

  it('refuses sessionId and memoryId that disagree', () => {
    expect(() => parseOrThrow(addMemoryBodySchema, { sessionId: 'a', memoryId: 'b', contents })).toThrow(/memoryId: must equal sessionId/);
  });

  it('refuses two entries with the same id, naming the second, as only one of them could be kept', () => {
    const twice = [{ content: 'A', id: 'x' }, { content: 'B' }, { content: 'C', id: 'x' }];
    expect(() => parseOrThrow(addMemoryBodySchema, { sessionId: 's', contents: twice })).toThrow('Invalid body: contents[2].id: repeats contents[0].id');
    expect(parseOrThrow(addMemoryBodySchema, { sessionId: 's', contents: [{ content: 'A', id: 'x' }, { content: 'B', id: 'y' }, { content: 'C' }, { content: 'D' }] }).contents).toHaveLength(4);
  });

  it('refuses empty content and an empty contents list', () => {
    expect(() => parseOrThrow(addMemoryBodySchema, { sessionId: 's', contents: [{ content: ' ' }] })).toThrow(/contents\[0\]\.content/);
    expect(() => parseOrThrow(addMemoryBodySchema, { sessionId: 's', contents: [] })).toThrow(/contents: must hold at least one entry/);
  });

  it('keeps fields it does not know', () => {
    const parsed = parseOrThrow(addMemoryBodySchema, { sessionId: 's', contents: [{ content: 'x', speaker: 'Mel' }] });
    expect(parsed.contents[0]).toMatchObject({ speaker: 'Mel' });
  });
});

describe('deleteMemoryBodySchema', () => {
  it('accepts the body @alchemystai/sdk sends', () => {
    expect(parseOrThrow(deleteMemoryBodySchema, { memoryId: 's1', user_id: null, organization_id: null }).sessionId).toBe('s1');
  });
});
