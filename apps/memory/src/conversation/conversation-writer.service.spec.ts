import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode, type MemoryMessageInput, type Tenant } from '@recollect/contracts';
import type { DataSource } from 'typeorm';
import { memoryDatabase } from '../../test/memory-database';
import { ConversationRepository } from './conversation.repository';
import { ConversationWriter } from './conversation-writer.service';
import { MAX_NEIGHBOUR_CHARS } from './neighbour';

const alice: Tenant = { userId: 'alice', organizationId: 'acme' };
const mallory: Tenant = { userId: 'mallory', organizationId: 'acme' };

const message = (text: string, overrides: Partial<MemoryMessageInput> = {}): MemoryMessageInput => ({
  id: null,
  role: 'user',
  authorName: null,
  occurredAt: null,
  metadata: {},
  blocks: [{ type: 'text', text }],
  ...overrides,
});

describe(ConversationWriter.name, () => {
  let db: DataSource;
  let dispose: () => Promise<void>;
  let repository: ConversationRepository;
  let sut: ConversationWriter;
  let session = 0;
  const nextSession = () => `session-${++session}`;

  beforeAll(async () => {
    ({ db, dispose } = await memoryDatabase());
    repository = new ConversationRepository(db);
    sut = new ConversationWriter(repository);
  });
  afterAll(() => dispose?.());

  it('creates the session on add and appends messages in the order sent', async () => {
    const sessionId = nextSession();
    const added = await db.transaction((tx) =>
      sut.add(tx, alice, {
        operationId: 'op-1',
        sessionId,
        agentId: 'support-bot',
        messages: [
          message('Hi, what does the Scale plan cost?', {
            id: 'm1',
            authorName: 'Caroline',
            occurredAt: '2025-01-10T12:34:56.000Z',
            metadata: { dia_id: 'D1:1' },
          }),
          message('It is 99 a month.', { id: 'm2', role: 'assistant', authorName: 'Bot' }),
        ],
      }),
    );
    expect(added.updatedEntries).toBe(2);
    expect(added.change).toMatchObject({ sessionId, agentId: 'support-bot' });
    expect(added.change.messages.map((m) => [m.id, m.position, m.replaced])).toEqual([
      ['m1', 0, false],
      ['m2', 1, false],
    ]);
    expect(added.change.messages[0]).toMatchObject({
      occurredAt: '2025-01-10T12:34:56.000Z',
      authorName: 'Caroline',
      metadata: { dia_id: 'D1:1' },
      previous: null,
    });
    expect(added.change.messages[1]!.previous).toEqual({ authorName: 'Caroline', text: 'Hi, what does the Scale plan cost?' });
    expect((await repository.findSession(alice, sessionId))?.messageCount).toBe(2);
  });

  it('replaces existing ids in place and appends new ones; updated_entries counts both', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) =>
      sut.add(tx, alice, {
        operationId: 'op-a',
        sessionId,
        agentId: null,
        messages: [message('one', { id: 'm1', occurredAt: '2025-01-01T00:00:00.000Z' }), message('two', { id: 'm2' })],
      }),
    );
    const updated = await db.transaction((tx) =>
      sut.update(tx, alice, { operationId: 'op-b', sessionId, messages: [message('two, corrected', { id: 'm2' }), message('three', { id: 'm3' })] }),
    );
    expect(updated.updatedEntries).toBe(2);
    expect(updated.change.messages.map((m) => [m.id, m.position, m.replaced])).toEqual([
      ['m2', 1, true],
      ['m3', 2, false],
    ]);
    const stored = await repository.listMessages(alice, sessionId);
    expect(stored.map((m) => [m.messageId, m.text])).toEqual([
      ['m1', 'one'],
      ['m2', 'two, corrected'],
      ['m3', 'three'],
    ]);
  });

  it('sends the message after a replaced one again, with its new previous turn, unless the change writes it too', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) =>
      sut.add(tx, alice, { operationId: 'op-a', sessionId, agentId: null, messages: [message('one', { id: 'm1' }), message('two', { id: 'm2' }), message('three', { id: 'm3' })] }),
    );
    const updated = await db.transaction((tx) => sut.update(tx, alice, { operationId: 'op-b', sessionId, messages: [message('one, corrected', { id: 'm1' })] }));
    expect(updated.updatedEntries).toBe(1);
    expect(updated.messageIds).toEqual(['m1']);
    expect(updated.change.messages.map((m) => [m.id, m.position, m.replaced, m.text, m.previous?.text ?? null])).toEqual([
      ['m1', 0, true, 'one, corrected', null],
      ['m2', 1, true, 'two', 'one, corrected'],
    ]);
    // The last message has no follower; a follower the change writes itself goes out once.
    const last = await db.transaction((tx) => sut.update(tx, alice, { operationId: 'op-c', sessionId, messages: [message('three, corrected', { id: 'm3' })] }));
    expect(last.change.messages.map((m) => m.id)).toEqual(['m3']);
    const both = await db.transaction((tx) =>
      sut.update(tx, alice, { operationId: 'op-d', sessionId, messages: [message('one again', { id: 'm1' }), message('two again', { id: 'm2' })] }),
    );
    expect(both.change.messages.map((m) => [m.id, m.previous?.text ?? null])).toEqual([
      ['m1', null],
      ['m2', 'one again'],
      ['m3', 'two again'],
    ]);
  });

  it('gives each message its next turn, and sends the one before a written message apart, with its new next turn', async () => {
    const sessionId = nextSession();
    const first = await db.transaction((tx) =>
      sut.add(tx, alice, { operationId: 'op-a', sessionId, agentId: null, messages: [message('one', { id: 'm1', authorName: 'Ann' }), message('two', { id: 'm2' })] }),
    );
    expect(first.change.messages.map((m) => [m.id, m.next ?? null])).toEqual([
      ['m1', { authorName: null, text: 'two' }],
      ['m2', null],
    ]);
    expect(first.change.contextChanged).toEqual([]);

    const appended = await db.transaction((tx) => sut.add(tx, alice, { operationId: 'op-b', sessionId, agentId: null, messages: [message('three', { id: 'm3' })] }));
    expect(appended.change.messages.map((m) => [m.id, m.previous?.text, m.next ?? null])).toEqual([['m3', 'two', null]]);
    expect(appended.change.contextChanged?.map((m) => [m.id, m.position, m.text, m.previous?.text, m.next?.text])).toEqual([['m2', 1, 'two', 'one', 'three']]);

    // A replaced message in the middle: its follower goes out whole (its embedding may read it), its predecessor apart.
    const replaced = await db.transaction((tx) => sut.update(tx, alice, { operationId: 'op-c', sessionId, messages: [message('two, corrected', { id: 'm2' })] }));
    expect(replaced.change.messages.map((m) => [m.id, m.previous?.text, m.next?.text ?? null])).toEqual([
      ['m2', 'one', 'three'],
      ['m3', 'two, corrected', null],
    ]);
    expect(replaced.change.contextChanged?.map((m) => [m.id, m.previous, m.next?.text])).toEqual([['m1', null, 'two, corrected']]);
  });

  it('carries at most MAX_NEIGHBOUR_CHARS of each neighbour, so a change stays about the size of its command', async () => {
    const sessionId = nextSession();
    const long = Array.from({ length: 1_000 }, (_, i) => `word${i}`).join(' ');
    const added = await db.transaction((tx) =>
      sut.add(tx, alice, { operationId: 'op-long', sessionId, agentId: null, messages: [message(long, { id: 'm1' }), message('short', { id: 'm2' }), message(long, { id: 'm3' })] }),
    );
    const [first, second, third] = added.change.messages;
    expect(first!.text).toBe(long);
    expect(second!.previous!.text.length).toBeLessThanOrEqual(MAX_NEIGHBOUR_CHARS);
    expect(long.endsWith(second!.previous!.text)).toBe(true);
    expect(second!.next!.text.length).toBeLessThanOrEqual(MAX_NEIGHBOUR_CHARS);
    expect(long.startsWith(second!.next!.text)).toBe(true);
    expect([first!.next, third!.previous]).toEqual([
      { authorName: null, text: 'short' },
      { authorName: null, text: 'short' },
    ]);
  });

  it('keeps occurredAt of a replaced message unless a new one is given', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) =>
      sut.add(tx, alice, { operationId: 'op-c', sessionId, agentId: null, messages: [message('one', { id: 'm1', occurredAt: '2025-01-01T00:00:00.000Z' })] }),
    );
    const updated = await db.transaction((tx) => sut.update(tx, alice, { operationId: 'op-d', sessionId, messages: [message('one again', { id: 'm1' })] }));
    expect(updated.change.messages[0]!.occurredAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('derives the same ids for messages sent without one when a command is applied again', async () => {
    const sessionId = nextSession();
    const command = { operationId: 'op-same', sessionId, agentId: null, messages: [message('first'), message('second')] };
    const first = await db.transaction((tx) => sut.add(tx, alice, command));
    const again = await db.transaction((tx) => sut.add(tx, alice, command));
    expect(again.messageIds).toEqual(first.messageIds);
    expect(again.change.messages.map((m) => m.position)).toEqual([0, 1]);
    expect(await repository.listMessages(alice, sessionId)).toHaveLength(2);
  });

  it('keeps media blocks, inline data included', async () => {
    const sessionId = nextSession();
    const data = Buffer.from('fake png bytes').toString('base64');
    const added = await db.transaction((tx) =>
      sut.add(tx, alice, {
        operationId: 'op-media',
        sessionId,
        agentId: null,
        messages: [message('', { blocks: [{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data } }] })],
      }),
    );
    expect(added.change.messages[0]).toMatchObject({ text: '[image (image/png)]', media: [{ type: 'image', mediaType: 'image/png', byteSize: 14 }] });
    const [row] = await repository.listMessages(alice, sessionId);
    expect(row!.blocks).toEqual([{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data } }]);
    expect(row!.mediaBytes).toBe(14);
  });

  it('answers NOT_FOUND when updating a session that does not exist, or is another tenant’s', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) => sut.add(tx, alice, { operationId: 'op-e', sessionId, agentId: null, messages: [message('secret', { id: 'm1' })] }));
    for (const [tenant, id] of [
      [alice, 'no-such-session'],
      [mallory, sessionId],
    ] as const) {
      const error = await db
        .transaction((tx) => sut.update(tx, tenant, { operationId: 'op-f', sessionId: id, messages: [message('x', { id: 'm1' })] }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.NotFound);
    }
    expect((await repository.listMessages(alice, sessionId)).map((m) => m.text)).toEqual(['secret']);
  });

  it('a session name is per tenant: another tenant’s add creates its own session', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) => sut.add(tx, alice, { operationId: 'op-g', sessionId, agentId: null, messages: [message('alice', { id: 'm1' })] }));
    await db.transaction((tx) => sut.add(tx, mallory, { operationId: 'op-h', sessionId, agentId: null, messages: [message('mallory', { id: 'm1' })] }));
    expect((await repository.listMessages(alice, sessionId)).map((m) => m.text)).toEqual(['alice']);
    expect((await repository.listMessages(mallory, sessionId)).map((m) => m.text)).toEqual(['mallory']);
  });

  it('deletes the session with every message, and only the caller’s', async () => {
    const sessionId = nextSession();
    await db.transaction((tx) =>
      sut.add(tx, alice, { operationId: 'op-i', sessionId, agentId: null, messages: [message('a', { id: 'm1' }), message('b', { id: 'm2' })] }),
    );
    const byMallory = await db.transaction((tx) => sut.delete(tx, mallory, { operationId: 'op-j', sessionId }));
    expect(byMallory.messageIds).toEqual([]);
    expect(await repository.listMessages(alice, sessionId)).toHaveLength(2);

    const deleted = await db.transaction((tx) => sut.delete(tx, alice, { operationId: 'op-k', sessionId }));
    expect(deleted).toEqual({ operationId: 'op-k', sessionId, messageIds: ['m1', 'm2'] });
    expect(await repository.listMessages(alice, sessionId)).toEqual([]);
    expect(await repository.findSession(alice, sessionId)).toBeNull();
  });
});
