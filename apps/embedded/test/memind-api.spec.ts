import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { MemoryCommandTypes, Topics, makeEnvelope } from '@recollect/contracts';
import { JobIds } from '@recollect/gateway';
import { addMessageBody } from '@recollect/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedSecret } from '../src/secrets';
import { eventually, startTestStack, type TestStack } from './harness';

const OPEN = '/open/v1';
const png = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

describe('Memind API', () => {
  let sut: TestStack;
  let token: string;

  beforeAll(async () => {
    sut = await startTestStack();
    token = sut.token('alice', 'acme');
  });
  afterAll(() => sut?.stop());

  const untilCompleted = (operationId: string) =>
    eventually(async () => {
      const r = await sut.call(token, 'GET', `${OPEN}/operations/${operationId}`);
      expect(r.status).toBe(200);
      return r.body.data.status === 'completed' ? r.body.data : undefined;
    });

  const retrieve = (body: Record<string, unknown>) => sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { userId: 'alice', ...body });

  it('finds a reply by the words of the message it answers, and after that message is corrected, by its new words only', async () => {
    const sessionId = 'corrected-question';
    const added = await sut.call(token, 'POST', '/api/v1/context/memory/add', {
      sessionId,
      contents: [
        { content: 'Did you enjoy the holiday in Lisbon?', id: 'question' },
        { content: 'Yes, twice!', id: 'reply' },
      ],
    });
    expect(added.status).toBe(201);
    // finalScore is 0.5 x cosine + 0.5 x the lexical share (the default weights): what the reply gets beyond its cosine is lexical.
    const lexicalPartOfReply = async (query: string): Promise<number> => {
      const found = await retrieve({ query, sessionId });
      expect(found.status).toBe(200);
      const reply = found.body.data.items.find((item: any) => item.id === 'reply');
      return reply.finalScore - 0.5 * reply.vectorScore;
    };
    expect(await lexicalPartOfReply('Lisbon')).toBeGreaterThan(0.05);

    const corrected = await sut.call(token, 'POST', '/api/v1/context/memory/update', {
      sessionId,
      contents: [{ content: 'Did you enjoy the trip to Porto?', id: 'question' }],
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.updated_entries).toBe(1);
    expect(await lexicalPartOfReply('Porto')).toBeGreaterThan(0.05);
    expect(await lexicalPartOfReply('Lisbon')).toBeCloseTo(0, 5);
  });

  it('accepts a message asynchronously (202), and the operation can be polled until it is stored and indexed', async () => {
    const r = await sut.call(
      token,
      'POST',
      `${OPEN}/memory/async/add-message`,
      addMessageBody(
        'alice',
        'I adopted a grey cat named Pixel last spring.',
        { sessionId: 'pets' },
        { userName: 'Caroline', timestamp: '2023-05-08T13:56:00Z', metadata: { dia_id: 'D1:3' } },
      ),
    );
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ data: { operationId: expect.stringMatching(/^op-/), status: 'accepted', mode: 'async' } });

    const operation = await untilCompleted(r.body.data.operationId);
    expect(operation).toMatchObject({ kind: 'add', sessionId: 'pets', stored: true, indexed: true, updatedEntries: 1, error: null });

    const found = await retrieve({ query: 'what is the name of the cat', sessionId: 'pets' });
    expect(found.status).toBe(200);
    expect(found.body.data.items[0]).toEqual({
      id: operation.messageIds[0],
      text: 'I adopted a grey cat named Pixel last spring.',
      vectorScore: expect.any(Number),
      finalScore: expect.any(Number),
      occurredAt: '2023-05-08T13:56:00.000Z',
      metadata: expect.objectContaining({ dia_id: 'D1:3', role: 'user', speaker: 'Caroline', sessionId: 'pets', agentId: 'agent-1' }),
    });
    expect(found.body.data).toMatchObject({ status: 'success', strategy: 'SIMPLE', query: 'what is the name of the cat' });
  });

  it('answers a synchronous add (200) once the message is searchable', async () => {
    const r = await sut.call(
      token,
      'POST',
      `${OPEN}/memory/sync/add-message`,
      addMessageBody('alice', 'My sister lives in Lisbon.', { sessionId: 'family' }, { role: 'ASSISTANT', id: 'fam-1' }),
    );
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ status: 'completed', mode: 'sync', sessionId: 'family', messageId: 'fam-1' });
    const found = await retrieve({ query: 'where does the sister live', sessionId: 'family' });
    expect(found.body.data.items.map((i: any) => [i.id, i.metadata.role])).toEqual([['fam-1', 'assistant']]);
  });

  it('keeps image, audio and video blocks, base64 or URL, and indexes a media-only message by a placeholder', async () => {
    const withMedia = addMessageBody(
      'alice',
      'Here is the photo from the beach.',
      { sessionId: 'media' },
      {
        content: [
          { type: 'text', text: 'Here is the photo from the beach.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(300) } },
          { type: 'audio', source: { type: 'url', url: 'https://cdn.example.com/voice.mp3' } },
          { type: 'video', source: { type: 'base64', media_type: 'video/mp4', data: `data:video/mp4;base64,${png(30)}` } },
        ],
      },
    );
    expect((await sut.call(token, 'POST', `${OPEN}/memory/sync/add-message`, withMedia)).status).toBe(200);
    const mediaOnly = addMessageBody(
      'alice',
      '',
      { sessionId: 'media' },
      { content: [{ type: 'image', source: { type: 'url', url: 'https://cdn.example.com/sunset.jpg' } }] },
    );
    expect((await sut.call(token, 'POST', `${OPEN}/memory/sync/add-message`, mediaOnly)).status).toBe(200);

    const found = await retrieve({ query: 'beach photo sunset image', sessionId: 'media' });
    const beach = found.body.data.items.find((i: any) => i.text.startsWith('Here is the photo'));
    expect(beach.metadata.media).toEqual([
      { type: 'image', mediaType: 'image/png', url: null, byteSize: 300 },
      { type: 'audio', mediaType: null, url: 'https://cdn.example.com/voice.mp3', byteSize: null },
      { type: 'video', mediaType: 'video/mp4', url: null, byteSize: 30 },
    ]);
    expect(found.body.data.items.map((i: any) => i.text)).toContain('[image: https://cdn.example.com/sunset.jpg]');
  });

  it('filters retrieval by session, agent and time range, and honours the limit', async () => {
    const post = (text: string, sessionId: string, agentId: string, timestamp: string) =>
      sut.call(token, 'POST', `${OPEN}/memory/sync/add-message`, addMessageBody('alice', text, { sessionId, agentId }, { timestamp }));
    await post('We hiked Mount Tam in January.', 'trips', 'travel-bot', '2024-01-15T10:00:00Z');
    await post('We hiked in the Alps in July.', 'trips', 'travel-bot', '2024-07-15T10:00:00Z');
    await post('Hiking boots are on sale.', 'shopping', 'shop-bot', '2024-07-16T10:00:00Z');

    const summer = await retrieve({ query: 'hiking', timeRange: { from: '2024-06-01T00:00:00Z', to: '2024-08-01T00:00:00Z' } });
    expect(summer.body.data.items.map((i: any) => i.text).sort()).toEqual(['Hiking boots are on sale.', 'We hiked in the Alps in July.']);
    const travel = await retrieve({ query: 'hiking', agentId: 'travel-bot' });
    expect(travel.body.data.items.every((i: any) => i.metadata.agentId === 'travel-bot')).toBe(true);
    expect(travel.body.data.items).toHaveLength(2);
    expect((await retrieve({ query: 'hiking', limit: 1 })).body.data.items).toHaveLength(1);
  });

  it('answers 400 in the Memind envelope for every malformed body, never a 5xx', async () => {
    const bad: Array<[string, unknown]> = [
      ['wrong role', addMessageBody('alice', 'x', {}, { role: 'SYSTEM' })],
      ['empty content', addMessageBody('alice', 'x', {}, { content: [] })],
      ['unknown block type', addMessageBody('alice', 'x', {}, { content: [{ type: 'file', source: { type: 'url', url: 'https://x/y' } }] })],
      ['bad base64', addMessageBody('alice', 'x', {}, { content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '%%%' } }] })],
      ['missing agentId', { userId: 'alice', message: { role: 'USER', content: [{ type: 'text', text: 'x' }] } }],
      ['not an object', 'just a string'],
      ['broken JSON', '{"userId":'],
    ];
    for (const [what, body] of bad) {
      for (const mode of ['async', 'sync']) {
        const r = await sut.call(token, 'POST', `${OPEN}/memory/${mode}/add-message`, body);
        expect(r.status, `${what} (${mode})`).toBe(400);
        expect(r.body, what).toEqual({
          error: { code: 'VALIDATION_FAILED', message: expect.any(String), ...(r.body.error.details ? { details: expect.anything() } : {}) },
        });
      }
    }
    expect((await retrieve({ query: '' })).status).toBe(400);
    expect((await retrieve({ query: 'x', limit: 0 })).status).toBe(400);
  });

  it('answers 413 past the inline media limit, storing nothing', async () => {
    const huge = addMessageBody(
      'alice',
      'x',
      { sessionId: 'too-big' },
      { content: [{ type: 'video', source: { type: 'base64', media_type: 'video/mp4', data: png(11 * 1024 * 1024) } }] },
    );
    const r = await sut.call(token, 'POST', `${OPEN}/memory/async/add-message`, huge);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { field: 'message.content' } });
  });

  it('answers 400 for a message time whose year in UTC is not 0001 to 9999, on both APIs, instead of accepting what the memory service cannot store', async () => {
    const late = addMessageBody('alice', 'x', { sessionId: 'far-future' }, { timestamp: '9999-12-31T23:59:59-01:00' });
    for (const mode of ['sync', 'async']) {
      const r = await sut.call(token, 'POST', `${OPEN}/memory/${mode}/add-message`, late);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('message.timestamp: must fall within the years 0001 to 9999, in UTC');
    }
    const alchemyst = await sut.call(token, 'POST', '/api/v1/context/memory/add', {
      sessionId: 'far-future',
      contents: [{ content: 'x', createdAt: '+010000-01-01T00:00:00Z' }],
    });
    expect(alchemyst.status).toBe(400);
    expect(alchemyst.body.message).toContain('contents[0].createdAt');
  });

  it('requires the token (401) and a userId that matches it (403)', async () => {
    expect((await sut.call(null, 'POST', `${OPEN}/memory/async/add-message`, addMessageBody('alice', 'x'))).status).toBe(401);
    const mismatch = await sut.call(token, 'POST', `${OPEN}/memory/async/add-message`, addMessageBody('bob', 'x'));
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String), details: { field: 'userId' } } });
    expect((await sut.call(token, 'POST', `${OPEN}/memory/retrieve`, { userId: 'bob', query: 'x' })).status).toBe(403);
  });

  it('reports an operation it issued but has not consumed as accepted, and unknown ids as 404', async () => {
    const operationIds = new JobIds(createHmac('sha256', derivedSecret(sut.stack.jwtSecret, 'job-ids')).update('memory-operations').digest('hex'), 'op');
    const pending = operationIds.issue({ userId: 'alice', organizationId: 'acme' });
    const r = await sut.call(token, 'GET', `${OPEN}/operations/${pending}`);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ operationId: pending, status: 'accepted', stored: false, indexed: false });
    expect((await sut.call(token, 'GET', `${OPEN}/operations/op-nonsense`)).status).toBe(404);
    expect((await sut.call(sut.token('bob', 'acme'), 'GET', `${OPEN}/operations/${pending}`)).status).toBe(404);
  });

  it('fails the operation of a command that fails its schema (written by another producer, or another version), with the reason', async () => {
    const operationIds = new JobIds(createHmac('sha256', derivedSecret(sut.stack.jwtSecret, 'job-ids')).update('memory-operations').digest('hex'), 'op');
    const tenant = { userId: 'alice', organizationId: 'acme' };
    const operationId = operationIds.issue(tenant);
    const message = { id: null, role: 'user', authorName: null, occurredAt: '+010000-01-01T00:00:00.000Z', metadata: {}, blocks: [{ type: 'text', text: 'x' }] };
    const value = makeEnvelope(MemoryCommandTypes.add, tenant, 'corr-refused', { operationId, sessionId: 'refused', agentId: null, messages: [message] });
    const db = new Client({ connectionString: sut.databaseUrl });
    await db.connect();
    try {
      await db.query('INSERT INTO bus.messages (topic, partition, key, headers, value) VALUES ($1, 0, $2, $3, $4)', [Topics.memoryCommands, 'refused', {}, value]);
    } finally {
      await db.end();
    }
    const operation = await eventually(async () => {
      const r = await sut.call(token, 'GET', `${OPEN}/operations/${operationId}`);
      return r.body.data?.status === 'failed' ? r.body.data : undefined;
    });
    expect(operation).toMatchObject({ stored: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('payload.messages[0].occurredAt') } });
  });
});

describe('Memind API with MEMIND_AUTH=none', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({ MEMIND_AUTH: 'none' });
  });
  afterAll(() => sut?.stop());

  it('takes the tenant from userId without a token', async () => {
    const added = await sut.call(
      null,
      'POST',
      `${OPEN}/memory/sync/add-message`,
      addMessageBody('internal-user', 'The build server is called Hal.', { sessionId: 'ops' }),
    );
    expect(added.status).toBe(200);
    const operation = await sut.call(null, 'GET', `${OPEN}/operations/${added.body.data.operationId}?userId=internal-user`);
    expect(operation.body.data.status).toBe('completed');
    const mine = await sut.call(null, 'POST', `${OPEN}/memory/retrieve`, { userId: 'internal-user', query: 'build server name' });
    expect(mine.body.data.items.map((i: any) => i.text)).toEqual(['The build server is called Hal.']);
    const theirs = await sut.call(null, 'POST', `${OPEN}/memory/retrieve`, { userId: 'someone-else', query: 'build server name' });
    expect(theirs.body.data.items).toEqual([]);
  });

  it('still needs userId to know whose memory it is (400), and keeps the Alchemyst routes behind the token', async () => {
    expect((await sut.call(null, 'POST', `${OPEN}/memory/retrieve`, { query: 'x' })).status).toBe(400);
    expect((await sut.call(null, 'GET', `${OPEN}/operations/op-x`)).status).toBe(400);
    expect((await sut.call(null, 'POST', '/api/v1/context/memory/add', { sessionId: 's', contents: [{ content: 'x' }] })).status).toBe(401);
  });
});
