import { describe, expect, it } from 'vitest';
import { messagesUpserted, storedMessage } from '@recollect/testing';
import { memoryDocumentId, messageDocument, planMessageChunks } from './memory-chunks';

const tenant = { userId: 'alice', organizationId: 'acme' };
const chunking = { maxWords: 60, overlapWords: 12 };

describe(planMessageChunks.name, () => {
  it('indexes a message as a conversation chunk of its session, keeping speaker, role, time and the caller’s metadata', () => {
    const message = storedMessage({
      id: 'm1',
      authorName: 'Caroline',
      metadata: { dia_id: 'D1:3' },
      media: [{ type: 'image', mediaType: null, url: 'https://x/y.png', byteSize: null }],
    });
    const change = messagesUpserted([message], { sessionId: 's1', agentId: 'bot' });
    const [chunk] = planMessageChunks(tenant, change, message, chunking);
    expect(chunk!.record).toMatchObject({
      documentId: memoryDocumentId(tenant, 's1', 'm1'),
      text: message.text,
      source: 'memory:s1',
      contextType: 'conversation',
      groupName: ['memory', 'agent:bot'],
      lastModified: message.occurredAt,
      metadata: {
        dia_id: 'D1:3',
        sessionId: 's1',
        messageId: 'm1',
        role: 'user',
        speaker: 'Caroline',
        occurredAt: message.occurredAt,
        agentId: 'bot',
        media: [{ type: 'image', url: 'https://x/y.png' }],
        context_id: 's1',
        chunk_index: 0,
        chunk_count: 1,
      },
    });
    expect(chunk!.embedText).toBe(`Caroline: ${message.text}`);
  });

  it('derives the same chunk ids for the same tenant, session, message and index, and different ones otherwise', () => {
    const message = storedMessage({ id: 'm1' });
    const idOf = (t: typeof tenant, sessionId: string) => planMessageChunks(t, messagesUpserted([message], { sessionId }), message, chunking)[0]!.record.id;
    expect(idOf(tenant, 's1')).toBe(idOf(tenant, 's1'));
    expect(idOf(tenant, 's1')).not.toBe(idOf(tenant, 's2'));
    expect(idOf(tenant, 's1')).not.toBe(idOf({ userId: 'alice', organizationId: 'other' }, 's1'));
  });

  it('embeds a short turn with the end of the previous one, but stores the turn itself', () => {
    const message = storedMessage({
      text: 'Yes, twice!',
      authorName: 'Mel',
      previous: { authorName: 'Caroline', text: 'Have you ever been to the pottery class downtown?' },
    });
    const [chunk] = planMessageChunks(tenant, messagesUpserted([message]), message, chunking);
    expect(chunk!.record.text).toBe('Yes, twice!');
    expect(chunk!.embedText).toBe('Caroline: Have you ever been to the pottery class downtown?\nMel: Yes, twice!');
  });

  it('embeds a turn of ordinary length on its own', () => {
    const message = storedMessage({
      text: 'I went to the pottery class downtown with my kids last Saturday.',
      previous: { authorName: null, text: 'Anything new?' },
    });
    expect(planMessageChunks(tenant, messagesUpserted([message]), message, chunking)[0]!.embedText).toBe(message.text);
  });

  it('splits a long message into several chunks, each within the embedder’s reach with the speaker in front', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} has exactly seven words.`).join(' ');
    const message = storedMessage({ text, authorName: 'Jon Gina' });
    const chunks = planMessageChunks(tenant, messagesUpserted([message]), message, chunking);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.embedText.split(/\s+/).length).toBeLessThanOrEqual(chunking.maxWords);
    expect(chunks.map((c) => c.record.metadata.chunk_count)).toEqual(chunks.map(() => chunks.length));
  });
});

describe(messageDocument.name, () => {
  it('gives lexical search the words of the turn before and the turn itself with its speaker, with the chunk filter fields', () => {
    const message = storedMessage({ id: 'm2', authorName: 'Melanie', text: 'Yes, twice!', previous: { authorName: 'Caroline', text: 'Have you been to Paris?' } });
    const change = messagesUpserted([message], { sessionId: 's1', agentId: 'bot' });
    const document = messageDocument(tenant, change, message);
    const [chunk] = planMessageChunks(tenant, change, message, chunking);
    expect(document).toMatchObject({
      documentId: chunk!.record.documentId,
      source: chunk!.record.source,
      contextType: chunk!.record.contextType,
      scope: chunk!.record.scope,
      groupName: chunk!.record.groupName,
      lastModified: chunk!.record.lastModified,
      title: null,
      text: 'Have you been to Paris?\nMelanie: Yes, twice!',
    });
  });

  it('ends with the words of the turn after it, without that speaker’s name', () => {
    const message = storedMessage({
      id: 'm2',
      authorName: 'Caroline',
      text: 'Have you been to Paris?',
      previous: { authorName: 'Melanie', text: 'I love travelling.' },
      next: { authorName: 'Melanie', text: 'Yes, twice!' },
    });
    expect(messageDocument(tenant, messagesUpserted([message], { sessionId: 's1' }), message).text).toBe('I love travelling.\nCaroline: Have you been to Paris?\nYes, twice!');
  });

  it('is the turn alone when it opens the session', () => {
    const message = storedMessage({ id: 'm1', authorName: null, text: 'Hello there', previous: null });
    expect(messageDocument(tenant, messagesUpserted([message], { sessionId: 's1' }), message).text).toBe('Hello there');
  });
});
