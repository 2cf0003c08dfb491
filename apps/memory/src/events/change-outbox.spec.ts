import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@recollect/bus';
import { metricsRegistry } from '@recollect/metrics';
import { MemoryCommandTypes, changeSequenceOf, makeEnvelope, sessionKey, type Envelope, type Tenant } from '@recollect/contracts';
import type { DataSource } from 'typeorm';
import { memoryDatabase } from '../../test/memory-database';
import { RecordingBus } from '../../test/recording-bus';
import { ChangeOutbox } from './change-outbox';
import { ChangeOutboxRepository } from './change-outbox.repository';
import { OutboxMetrics } from './outbox-metrics';
import { OutboxRelay } from './outbox-relay';

const alice: Tenant = { userId: 'alice', organizationId: 'acme' };
const cause: Envelope<unknown> = makeEnvelope(MemoryCommandTypes.add, alice, 'corr-1', {});
const upserted = (operationId: string, sessionId: string) => ({ operationId, sessionId, agentId: null, messages: [], contextChanged: [] });

describe(ChangeOutbox.name, () => {
  let db: DataSource;
  let dispose: () => Promise<void>;
  let bus: RecordingBus;
  let sut: ChangeOutbox;
  const enqueue = (operationId: string, sessionId: string) => db.transaction((tx) => sut.messagesUpserted(tx, cause, upserted(operationId, sessionId)));
  const waiting = async (): Promise<string[]> => (await db.query<Array<{ operation_id: string }>>('SELECT operation_id FROM change_outbox ORDER BY id')).map((row) => row.operation_id);
  /** Backdates what waits, as if its command had given up on it long ago. */
  const age = (seconds: number) => db.query(`UPDATE change_outbox SET created_at = created_at - make_interval(secs => $1)`, [seconds]);

  beforeAll(async () => ({ db, dispose } = await memoryDatabase()));
  afterAll(() => dispose?.());
  beforeEach(async () => {
    await db.query('DELETE FROM change_outbox');
    bus = new RecordingBus();
    sut = new ChangeOutbox(new ChangeOutboxRepository(db), bus.asClient(), { maxChangeBytes: 64 * 1024 * 1024 });
  });

  it('publishes nothing that was not committed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await sut.messagesUpserted(tx, cause, upserted('op-rolled-back', 's1'));
        throw new Error('the messages could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    expect(await sut.publishPending(alice, 's1')).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it("publishes a session's changes oldest first, as envelopes keyed by session with the cause's correlation id, then forgets them", async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's1');
    await enqueue('op-3', 'other');
    expect(await sut.publishPending(alice, 's1')).toBe(2);
    expect(bus.published.map(({ key, change }) => [key, change.payload.operationId, change.correlationId, change.tenant])).toEqual([
      [sessionKey(alice, 's1'), 'op-1', 'corr-1', alice],
      [sessionKey(alice, 's1'), 'op-2', 'corr-1', alice],
    ]);
    expect(await waiting()).toEqual(['op-3']);
  });

  it('numbers each change in the x-change-sequence header, growing in the order stored', async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's1');
    bus.failing = 1;
    await expect(sut.publishPending(alice, 's1')).rejects.toThrow('bus down');
    await sut.publishPending(alice, 's1');
    const sequences = bus.published.map(({ headers }) => changeSequenceOf(headers));
    expect(sequences).toHaveLength(2);
    expect(sequences[0]! < sequences[1]!).toBe(true);
    expect(bus.published[0]!.headers).toMatchObject({ 'x-correlation-id': 'corr-1' });
  });

  it('keeps the change that failed and those after it, and publishes them in order next time', async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's1');
    bus.failing = 1;
    await expect(sut.publishPending(alice, 's1')).rejects.toThrow('bus down');
    expect(await waiting()).toEqual(['op-1', 'op-2']);
    await sut.publishPending(alice, 's1');
    expect(bus.operations()).toEqual(['op-1', 'op-2']);
    expect(await waiting()).toEqual([]);
  });

  it('holds the session while a publish that timed out may still land, and counts it published once it lands', async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's1');
    await age(60);
    bus.timingOut = 1;
    const publishing = sut.publishPending(alice, 's1');
    await waitFor(() => bus.lateSends.length === 1);
    // Another replica's relay must not send op-1 again, nor op-2 ahead of the copy still in flight.
    expect(await sut.publishStale(30_000)).toEqual({ published: 0, failedSessions: 0 });
    bus.lateSends[0]!.land();
    expect(await publishing).toBe(2);
    expect(bus.operations()).toEqual(['op-1', 'op-2']);
    expect(await waiting()).toEqual([]);
  });

  it('keeps a change whose late publish the bus gave up on, and those after it', async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's1');
    bus.timingOut = 1;
    const publishing = sut.publishPending(alice, 's1');
    await waitFor(() => bus.lateSends.length === 1);
    await age(60);
    expect(await sut.publishStale(30_000)).toEqual({ published: 0, failedSessions: 0 });
    bus.lateSends[0]!.giveUp();
    await expect(publishing).rejects.toThrow('not acknowledged in time');
    expect(bus.published).toEqual([]);
    expect(await waiting()).toEqual(['op-1', 'op-2']);
  });

  it('publishes each change once when two deliveries publish the same session at once', async () => {
    for (let i = 0; i < 5; i += 1) await enqueue(`op-${i}`, 's1');
    // Connections opened ahead, so the three really overlap instead of waiting to connect.
    await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_sleep(0.05)')));
    const counts = await Promise.all([sut.publishPending(alice, 's1'), sut.publishPending(alice, 's1'), sut.publishPending(alice, 's1')]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(5);
    expect(bus.operations()).toEqual(['op-0', 'op-1', 'op-2', 'op-3', 'op-4']);
  });

  it('relays only changes older than the bound, and goes on past a session the bus refuses', async () => {
    await enqueue('op-refused', 'refused');
    await enqueue('op-old', 's1');
    await age(60);
    await enqueue('op-new', 's2');
    bus.refusedKeys.add(sessionKey(alice, 'refused'));
    expect(await sut.publishStale(30_000)).toEqual({ published: 1, failedSessions: 1 });
    expect(bus.operations()).toEqual(['op-old']);
    expect(await waiting()).toEqual(['op-refused', 'op-new']);
  });

  it('relays past a session another publisher holds, instead of waiting for it', async () => {
    await enqueue('op-held', 'held');
    await enqueue('op-free', 's1');
    await age(60);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const publisher = new ChangeOutboxRepository(db).publishEach(sessionKey(alice, 'held'), true, async () => {
      holding();
      await released;
    });
    await held;
    expect(await sut.publishStale(30_000)).toEqual({ published: 1, failedSessions: 0 });
    expect(bus.operations()).toEqual(['op-free']);
    release();
    await publisher;
  });

  it('stops a relay pass between sessions once asked to', async () => {
    await enqueue('op-1', 's1');
    await enqueue('op-2', 's2');
    await age(60);
    const stop = new AbortController();
    stop.abort();
    expect(await sut.publishStale(30_000, { signal: stop.signal })).toEqual({ published: 0, failedSessions: 0 });
    expect(await waiting()).toEqual(['op-1', 'op-2']);
  });

  it('refuses a change larger than a bus message may hold, naming both sizes', async () => {
    const small = new ChangeOutbox(new ChangeOutboxRepository(db), bus.asClient(), { maxChangeBytes: 100 });
    await expect(db.transaction((tx) => small.messagesUpserted(tx, cause, upserted('op-big', 's1')))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { maxChangeBytes: 100 },
    });
    expect(await waiting()).toEqual([]);
  });

  it('puts the ids of a session deleted into as many changes as it takes, each within the bound, in order', async () => {
    const small = new ChangeOutbox(new ChangeOutboxRepository(db), bus.asClient(), { maxChangeBytes: 700 });
    const messageIds = Array.from({ length: 60 }, (_, i) => `message-${String(i).padStart(3, '0')}`);
    await db.transaction((tx) => small.sessionDeleted(tx, cause, { operationId: 'op-del', sessionId: 's1', messageIds }));
    const rows = await db.query<Array<{ bytes: number }>>('SELECT octet_length(value::text) AS bytes FROM change_outbox ORDER BY id');
    expect(rows.length).toBeGreaterThan(1);
    for (const { bytes } of rows) expect(bytes).toBeLessThanOrEqual(700);
    await small.publishPending(alice, 's1');
    const published = bus.published.map(({ change }) => change.payload as { operationId: string; messageIds: string[] });
    expect(published.every((change) => change.operationId === 'op-del')).toBe(true);
    expect(published.flatMap((change) => change.messageIds)).toEqual(messageIds);
  });

  it('publishes a backlog larger than one batch, in order', async () => {
    const operations = Array.from({ length: 120 }, (_, i) => `op-${i}`);
    for (const operation of operations) await enqueue(operation, 's1');
    expect(await sut.publishPending(alice, 's1')).toBe(120);
    expect(bus.operations()).toEqual(operations);
    expect(await waiting()).toEqual([]);
  });

  it('takes up, pass after pass, the sessions after those the last pass took, so sessions that always fail cannot hold every pass', async () => {
    await enqueue('op-refused', 'refused');
    await enqueue('op-other', 's1');
    await age(60);
    bus.refusedKeys.add(sessionKey(alice, 'refused'));
    const first = new ChangeOutbox(new ChangeOutboxRepository(db), bus.asClient(), { maxChangeBytes: 64 * 1024 * 1024 });
    expect(await first.publishStale(30_000, { sessions: 1 })).toEqual({ published: 0, failedSessions: 1 });
    expect(await first.publishStale(30_000, { sessions: 1 })).toEqual({ published: 1, failedSessions: 0 });
    // Past the end, it starts over.
    expect(await first.publishStale(30_000, { sessions: 1 })).toEqual({ published: 0, failedSessions: 1 });
  });

  it('exposes how many changes wait and how long the oldest has, while the outbox metrics run', async () => {
    const metrics = new OutboxMetrics(new ChangeOutboxRepository(db));
    const valueOf = async (name: string) => (await metricsRegistry.getSingleMetric(name)!.get()).values[0]?.value;
    metrics.onModuleInit();
    try {
      await enqueue('op-1', 's1');
      await enqueue('op-2', 's2');
      await age(90);
      expect(await valueOf('recollect_memory_outbox_waiting_changes')).toBe(2);
      expect(await valueOf('recollect_memory_outbox_oldest_change_age_seconds')).toBeGreaterThanOrEqual(90);
      await sut.publishStale(30_000);
      // Past the 5 s a scrape's reading is reused for.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5_000 });
      expect(await valueOf('recollect_memory_outbox_waiting_changes')).toBe(0);
      expect(await valueOf('recollect_memory_outbox_oldest_change_age_seconds')).toBe(0);
    } finally {
      vi.useRealTimers();
      metrics.onModuleDestroy();
    }
  });

  it('runs the relay in the background, and stops it with the module', async () => {
    const relay = new OutboxRelay(sut, { intervalMs: 10, staleAfterMs: 0 });
    relay.onApplicationBootstrap();
    try {
      await enqueue('op-left', 's1');
      await waitFor(async () => (await waiting()).length === 0, 5_000, 'the relay to publish the change');
      expect(bus.operations()).toEqual(['op-left']);
    } finally {
      await relay.onModuleDestroy();
    }
    await enqueue('op-after-stop', 's1');
    await age(60);
    // Stopped: a change left now stays for the next start. Nothing to poll for: five intervals pass.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await waiting()).toEqual(['op-after-stop']);
  });
});
