import { memoryBody, searchBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness';

const MEMORY = '/api/v1/context/memory';
const SEARCH = '/api/v1/context/search?metadata=true';

describe('Alchemyst memory routes', () => {
  let sut: TestStack;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('alice', 'acme');
  });
  afterAll(() => sut?.stop());

  const searchSession = (query: string, sessionId: string) => sut.call(token, 'POST', SEARCH, searchBody(query, { metadata: { sessionId } }));

  it('adds a session’s messages (201) and makes them searchable as conversation, with role, speaker, time and metadata intact', async () => {
    const added = await sut.call(
      token,
      'POST',
      `${MEMORY}/add`,
      memoryBody('support-thread-TCK-1234', [
        {
          content: 'Customer asked about pricing for the Scale plan.',
          metadata: { messageId: 'msg-1', ticket: 'TCK-1234' },
          role: 'user',
          id: 'msg-1',
          createdAt: '2025-01-10T12:34:56.000Z',
          name: 'Dana',
        },
        {
          content: 'Explained the Scale plan pricing and shared the pricing page link.',
          metadata: { messageId: 'msg-2' },
          role: 'assistant',
          id: 'msg-2',
          createdAt: '2025-01-10T12:35:30.000Z',
        },
      ]),
    );
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ success: true, context_id: 'support-thread-TCK-1234' });

    const found = await searchSession('scale plan pricing question', 'support-thread-TCK-1234');
    expect(found.status).toBe(202);
    const hit = found.body.contexts.find((c: any) => c.metadata.messageId === 'msg-1');
    expect(hit).toMatchObject({
      content: 'Customer asked about pricing for the Scale plan.',
      metadata: {
        context_type: 'conversation',
        sessionId: 'support-thread-TCK-1234',
        role: 'user',
        speaker: 'Dana',
        occurredAt: '2025-01-10T12:34:56.000Z',
        ticket: 'TCK-1234',
      },
    });
    expect(found.body.results.map((r: any) => r.contextId)).toContain('support-thread-TCK-1234');
  });

  it('updates by message id: replaces existing ones, appends new ones and counts both', async () => {
    await sut.call(
      token,
      'POST',
      `${MEMORY}/add`,
      memoryBody('upd', [
        { content: 'The meeting is on Monday.', id: 'a' },
        { content: 'Bring the slides.', id: 'b' },
      ]),
    );
    const updated = await sut.call(
      token,
      'POST',
      `${MEMORY}/update`,
      memoryBody('upd', [
        { content: 'The meeting moved to Thursday.', id: 'a' },
        { content: 'Lunch is provided.', id: 'c' },
      ]),
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ success: true, memory_id: 'upd', updated_entries: 2 });

    const found = await searchSession('meeting day slides lunch', 'upd');
    const contents = found.body.contexts.map((c: any) => c.content).sort();
    expect(contents).toEqual(['Bring the slides.', 'Lunch is provided.', 'The meeting moved to Thursday.']);
  });

  it('answers 404 when updating a session that does not exist', async () => {
    const r = await sut.call(token, 'POST', `${MEMORY}/update`, memoryBody('never-added', [{ content: 'x', id: 'a' }]));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ success: false, status: 404, error: { code: 'NOT_FOUND' } });
  });

  it('deletes a session (204) and every one of its messages leaves search', async () => {
    const contents = Array.from({ length: 12 }, (_, i) => ({ content: `Zebra fact number ${i}: zebras have unique stripes.`, id: `z${i}` }));
    await sut.call(token, 'POST', `${MEMORY}/add`, memoryBody('zebras', contents));
    await sut.call(token, 'POST', `${MEMORY}/add`, memoryBody('kept', [{ content: 'Zebra stripes also confuse flies.' }]));
    expect((await searchSession('zebra stripes', 'zebras')).body.contexts).toHaveLength(10);

    const deleted = await sut.call(token, 'POST', `${MEMORY}/delete`, { sessionId: 'zebras' });
    expect(deleted.status).toBe(204);
    expect((await searchSession('zebra stripes', 'zebras')).body.contexts).toEqual([]);
    const everywhere = await sut.call(token, 'POST', SEARCH, searchBody('zebra stripes', { limit: 100 }));
    const zebras = everywhere.body.contexts.filter((c: any) => c.content.includes('Zebra'));
    expect(zebras.map((c: any) => c.metadata.sessionId)).toEqual(['kept']);
    // Deleting again is a no-op, not an error.
    expect((await sut.call(token, 'POST', `${MEMORY}/delete`, { sessionId: 'zebras' })).status).toBe(204);
  });

  it('accepts memoryId, as @alchemystai/sdk sends it, on add, update and delete', async () => {
    expect((await sut.call(token, 'POST', `${MEMORY}/add`, { memoryId: 'sdk-style', contents: [{ content: 'Hello there.', id: 'h' }] })).status).toBe(201);
    expect(
      (await sut.call(token, 'POST', `${MEMORY}/update`, { memoryId: 'sdk-style', contents: [{ content: 'Hello again.', id: 'h' }] })).body.updated_entries,
    ).toBe(1);
    expect((await sut.call(token, 'POST', `${MEMORY}/delete`, { memoryId: 'sdk-style' })).status).toBe(204);
  });

  it('answers 400 naming the field for malformed bodies, and 413 past the message limit', async () => {
    const cases: Array<[unknown, string]> = [
      [{ contents: [{ content: 'x' }] }, 'sessionId'],
      [{ sessionId: 's', contents: [] }, 'contents'],
      [{ sessionId: 's', contents: [{ content: '' }] }, 'contents[0].content'],
      [{ sessionId: 's', contents: [{ content: 'x', createdAt: 'soon' }] }, 'contents[0].createdAt'],
      [{ sessionId: 'a', memoryId: 'b', contents: [{ content: 'x' }] }, 'memoryId'],
    ];
    for (const [body, field] of cases) {
      const r = await sut.call(token, 'POST', `${MEMORY}/add`, body);
      expect(r.status).toBe(400);
      expect(r.body.error.details.issues.map((i: any) => i.field)).toContain(field);
    }
    const tooMany = await sut.call(
      token,
      'POST',
      `${MEMORY}/add`,
      memoryBody(
        'big',
        Array.from({ length: 1001 }, () => ({ content: 'x' })),
      ),
    );
    expect(tooMany.status).toBe(413);
    const bulky = await sut.call(token, 'POST', `${MEMORY}/add`, memoryBody('bulky', [{ content: 'x' }, { content: 'y', metadata: { blob: 'z'.repeat(2 * 1024 * 1024) } }]));
    expect(bulky.status).toBe(413);
    expect(bulky.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'contents[1]' } });
    const twice = await sut.call(token, 'POST', `${MEMORY}/add`, memoryBody('twice', [{ content: 'A', id: 'x' }, { content: 'B', id: 'x' }]));
    expect(twice.status).toBe(400);
    expect(twice.body.error.details.issues.map((i: any) => i.field)).toEqual(['contents[1].id']);
    expect((await sut.call(token, 'GET', '/api/v1/context/view')).status).toBe(200);
    for (const session of ['bulky', 'twice']) {
      expect((await sut.call(token, 'POST', `${MEMORY}/update`, memoryBody(session, [{ content: 'z' }]))).status, session).toBe(404);
    }
  });

  it('refuses a search filtering by both source and session', async () => {
    const r = await sut.call(token, 'POST', SEARCH, searchBody('x', { metadata: { sessionId: 's', source: 'other' } }));
    expect(r.status).toBe(400);
  });
});
