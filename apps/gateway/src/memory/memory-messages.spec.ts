import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, MAX_METADATA_BYTES, addMessageBodySchema, parseOrThrow } from '@recollect/contracts';
import { assertMediaWithinLimit, fromMemindMessage, fromMemoryContent, messageOfMemind, messagesOfEntries } from './memory-messages';

describe(fromMemoryContent.name, () => {
  it('keeps id, role, name and createdAt, and fields it does not know as metadata', () => {
    expect(
      fromMemoryContent({
        content: 'Hi',
        id: 'msg-1',
        role: 'user',
        name: 'Dana',
        createdAt: '2025-01-10T12:34:56.000Z',
        metadata: { messageId: 'msg-1' },
        dia_id: 'D1:1',
      }),
    ).toEqual({
      id: 'msg-1',
      role: 'user',
      authorName: 'Dana',
      occurredAt: '2025-01-10T12:34:56.000Z',
      metadata: { dia_id: 'D1:1', messageId: 'msg-1' },
      blocks: [{ type: 'text', text: 'Hi' }],
    });
  });
});

describe(fromMemindMessage.name, () => {
  const parse = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    parseOrThrow(addMessageBodySchema, {
      userId: 'u',
      agentId: 'a',
      message: { role: 'ASSISTANT', content: [{ type: 'text', text: 'hi' }], ...message },
      ...extra,
    });

  it('lower-cases the role, takes userName as the speaker, and keeps sourceClient with the metadata', () => {
    expect(
      fromMemindMessage(parse({ userName: 'Bot', timestamp: '2025-01-10T12:00:00Z', metadata: { k: 1 } }, { sourceClient: 'codex', metadata: { k: 0, j: 2 } })),
    ).toEqual({
      id: null,
      role: 'assistant',
      authorName: 'Bot',
      occurredAt: '2025-01-10T12:00:00.000Z',
      metadata: { k: 1, j: 2, sourceClient: 'codex' },
      blocks: [{ type: 'text', text: 'hi' }],
    });
  });

  it('stores base64 sent as a data: URI as plain base64 with its media type', () => {
    const data = Buffer.from('img').toString('base64');
    const message = fromMemindMessage(
      parse({ content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: `data:image/png;base64,${data}` } }] }),
    );
    expect(message.blocks).toEqual([{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data } }]);
  });
});

describe(assertMediaWithinLimit.name, () => {
  it('refuses more than 10 MB of inline media with 413', () => {
    const data = Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64');
    const body = parseOrThrow(addMessageBodySchema, {
      userId: 'u',
      agentId: 'a',
      message: { role: 'USER', content: [{ type: 'video', source: { type: 'base64', media_type: 'video/mp4', data } }] },
    });
    expect(() => assertMediaWithinLimit(body)).toThrow(DomainError);
    try {
      assertMediaWithinLimit(body);
    } catch (error) {
      expect((error as DomainError).code).toBe(ErrorCode.PayloadTooLarge);
    }
  });
});

/** The error `run` throws, for its code and message. */
function thrown(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('the metadata limit on memory messages', () => {
  // JSON of {"k":"…"} is 8 bytes besides the value.
  const ofBytes = (bytes: number) => ({ k: 'x'.repeat(bytes - 8) });

  it("refuses an entry whose metadata and extra fields, together, take more than 16 KiB as JSON, naming the entry", () => {
    expect(messagesOfEntries([{ content: 'a', metadata: ofBytes(MAX_METADATA_BYTES) }])).toHaveLength(1);
    expect(thrown(() => messagesOfEntries([{ content: 'a', metadata: ofBytes(MAX_METADATA_BYTES + 1) }])).message).toContain(`got ${MAX_METADATA_BYTES + 1} bytes`);
    const refusal = thrown(() => messagesOfEntries([{ content: 'a' }, { content: 'b', metadata: { a: 'x'.repeat(9000) }, note: 'y'.repeat(9000) }]));
    expect(refusal.code).toBe(ErrorCode.PayloadTooLarge);
    expect(refusal.message).toMatch(/^contents\[1\]: .* at most 16 KiB as JSON/);
    expect(refusal.details).toMatchObject({ field: 'contents[1]', limit: MAX_METADATA_BYTES });
  });

  it("refuses a Memind message whose body and message metadata, together, take more than 16 KiB", () => {
    const body = (metadata: object, messageMetadata: object) =>
      parseOrThrow(addMessageBodySchema, { userId: 'u', agentId: 'a', metadata, message: { role: 'USER', content: [{ type: 'text', text: 'hi' }], metadata: messageMetadata } });
    expect(messageOfMemind(body({ a: 'x'.repeat(8000) }, { b: 'y'.repeat(8000) })).metadata).toMatchObject({ a: expect.any(String), b: expect.any(String) });
    const refusal = thrown(() => messageOfMemind(body({ a: 'x'.repeat(9000) }, { b: 'y'.repeat(9000) })));
    expect(refusal.code).toBe(ErrorCode.PayloadTooLarge);
    expect(refusal.message).toMatch(/^metadata: .* at most 16 KiB as JSON/);
  });
});
