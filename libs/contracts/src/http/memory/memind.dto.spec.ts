import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../errors';
import { parseOrThrow } from '../../validation';
import { addMessageBodySchema, retrieveMemoryBodySchema } from './memind.dto';

const body = (message: Record<string, unknown>) => ({
  userId: 'u1',
  agentId: 'a1',
  message: { role: 'USER', content: [{ type: 'text', text: 'hi' }], ...message },
});

const issuesOf = (input: unknown): Array<{ field: string }> => {
  try {
    parseOrThrow(addMessageBodySchema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
    return ((error as DomainError).details as { issues: Array<{ field: string }> }).issues;
  }
  throw new Error('expected a validation error');
};

describe('addMessageBodySchema', () => {
  it('accepts every block type with base64 and URL sources', () => {
    const parsed = parseOrThrow(
      addMessageBodySchema,
      body({
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from('png').toString('base64') } },
          { type: 'audio', source: { type: 'url', url: 'https://example.com/a.mp3' } },
          { type: 'video', source: { type: 'url', url: 'https://example.com/v.mp4' } },
        ],
        timestamp: '2025-01-10T12:34:56+01:00',
      }),
    );
    expect(parsed.message.content).toHaveLength(4);
    expect(parsed.message.timestamp).toBe('2025-01-10T11:34:56.000Z');
  });

  it.each([
    ['a role other than USER or ASSISTANT', body({ role: 'user' }), 'message.role'],
    ['empty content', body({ content: [] }), 'message.content'],
    ['an empty text block', body({ content: [{ type: 'text', text: '  ' }] }), 'message.content[0].text'],
    ['an unknown block type', body({ content: [{ type: 'document', text: 'x' }] }), 'message.content[0].type'],
    [
      'bad base64',
      body({ content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } }] }),
      'message.content[0].source.data',
    ],
    ['an unknown source type', body({ content: [{ type: 'image', source: { type: 'file', path: '/etc/passwd' } }] }), 'message.content[0].source.type'],
    ['a relative URL', body({ content: [{ type: 'image', source: { type: 'url', url: 'a.png' } }] }), 'message.content[0].source.url'],
    ['a bad timestamp', body({ timestamp: 'yesterday' }), 'message.timestamp'],
  ])('names the field for %s', (_, input, field) => {
    expect(issuesOf(input).map((i) => i.field)).toContain(field);
  });

  it('refuses media URLs that run script, read local files or carry the media inline; storage schemes pass', () => {
    const withUrl = (url: string) => body({ content: [{ type: 'image', source: { type: 'url', url } }] });
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'vbscript:msgbox', 'file:///etc/passwd', 'blob:https://a.example/1', 'data:image/png;base64,AAAA', 'about:blank', 'view-source:https://a.example']) {
      expect(issuesOf(withUrl(url)).map((issue) => issue.field), url).toEqual(['message.content[0].source.url']);
    }
    for (const url of ['https://cdn.example.com/a.png', 'http://10.0.0.2/a.png', 's3://bucket/a.png', 'gs://bucket/a.png']) {
      expect(() => parseOrThrow(addMessageBodySchema, withUrl(url)), url).not.toThrow();
    }
  });

  it('requires userId, agentId and message', () => {
    expect(issuesOf({}).map((i) => i.field)).toEqual(expect.arrayContaining(['userId', 'agentId', 'message']));
  });
});

describe('retrieveMemoryBodySchema', () => {
  it('applies defaults', () => {
    expect(parseOrThrow(retrieveMemoryBodySchema, { query: 'q' })).toMatchObject({ query: 'q', limit: 10, strategy: 'SIMPLE' });
  });

  it('refuses a time range that ends before it starts', () => {
    expect(() => parseOrThrow(retrieveMemoryBodySchema, { query: 'q', timeRange: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } })).toThrow(
      /timeRange.from/,
    );
  });
});
