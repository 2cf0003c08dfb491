import { deadLetterTopic } from '@recollect/contracts';
import type { Pool } from 'pg';
import { lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit, Probe, TEST_BROKER_OPTIONS, TOPIC } from '../testing/bus.fixture';
import { waitFor } from '../testing/wait-for';
import { PgLog } from './pg-log';

const GROUP = 'indexer';
const yieldTurns = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('InProcessServer event consumption', () => {
  let kit: BusTestKit;
  beforeEach(async () => (kit = await BusTestKit.create()));
  afterEach(async () => kit.dispose());

  it('delivers messages of each key in publish order, 200 messages over several keys', async () => {
    const probe = new Probe();
    probe.onEvent = () => yieldTurns(Math.floor(Math.random() * 5)); // uneven handler times across partitions
    await kit.startConsumer(GROUP, probe);
    const client = kit.client();
    const keys = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e'];
    for (let seq = 0; seq < 200; seq += 1) {
      const key = keys[seq % keys.length];
      await lastValueFrom(client.emit(TOPIC, { key, value: { key, seq } }));
    }

    await waitFor(() => probe.deliveries.length === 200, 20_000, '200 deliveries');
    for (const key of keys) {
      const seen = probe.deliveries.filter((d) => d.key === key).map((d) => (d.value as { seq: number }).seq);
      const published = Array.from({ length: 40 }, (_, i) => keys.indexOf(key) + i * keys.length);
      expect(seen, key).toEqual(published);
    }
    expect(probe.secondHandlerDeliveries).toHaveLength(200); // both @EventPattern handlers of the topic ran
  });

  it('loses nothing when many producers write to one partition at once while it is consumed', async () => {
    const { probe } = await kit.startConsumer(GROUP);
    const client = kit.client();
    await Promise.all(Array.from({ length: 300 }, (_, n) => lastValueFrom(client.emit(TOPIC, { key: 'hot', value: n }))));
    await waitFor(() => probe.deliveries.length >= 300, 20_000, '300 deliveries');
    expect(new Set(probe.values()).size).toBe(300);
    const offsets = probe.deliveries.map((d) => BigInt(d.offset));
    expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1])).toBe(true);
  });

  it('never exposes a message before an earlier one of its partition is committed (no offset is skipped)', async () => {
    const { probe } = await kit.startConsumer(GROUP);
    // A producer whose transaction got its offset but has not committed yet.
    const slowWriter = await kit.pool.connect();
    await slowWriter.query('BEGIN');
    const partition = kit.broker.partitionFor('k');
    await new PgLog(slowWriter as unknown as Pool).append({ topic: TOPIC, partition, key: 'k', headers: {}, valueJson: '"first"' });

    let secondStored = false;
    const second = lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'second' })).then(() => (secondStored = true));
    const waitingOnLock = async (): Promise<boolean> =>
      (await kit.rows(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).length > 0;
    await waitFor(async () => secondStored || (await waitingOnLock()));
    // Were the later message visible already, the consumer would take it and commit past the earlier one.
    if (secondStored) await waitFor(() => probe.deliveries.length === 1);
    await slowWriter.query('COMMIT');
    slowWriter.release();
    await second;

    await waitFor(() => probe.deliveries.length === 2, 3_000, 'both messages');
    expect(probe.values()).toEqual(['first', 'second']);
  });

  it('runs different partitions concurrently: a busy partition does not hold up another', async () => {
    const [slowKey, fastKey] = keysOnDifferentPartitions(kit);
    const probe = new Probe();
    let fastSeen!: () => void;
    const fastDelivered = new Promise<void>((resolve) => (fastSeen = resolve));
    probe.onEvent = async (value) => {
      if (value === 'slow') await fastDelivered; // would deadlock if partitions were consumed one by one
      else fastSeen();
    };
    await kit.startConsumer(GROUP, probe);
    await lastValueFrom(kit.client().emit(TOPIC, { key: slowKey, value: 'slow' }));
    await waitFor(() => probe.deliveries.length === 1); // the slow handler is now blocked
    await lastValueFrom(kit.client().emit(TOPIC, { key: fastKey, value: 'fast' }));
    await waitFor(() => probe.deliveries.length === 2);
    expect(probe.values()).toEqual(['slow', 'fast']);
  });

  it('redelivers a failing message with growing attempt numbers and commits only after success', async () => {
    const probe = new Probe();
    const committedDuringAttempts: Array<string | undefined> = [];
    probe.onEvent = async (_value, ctx) => {
      committedDuringAttempts.push(await kit.committedOffset(GROUP, TOPIC, ctx.getPartition()));
      if (ctx.getAttempt() < 3) throw new Error(`flaky on attempt ${ctx.getAttempt()}`);
    };
    await kit.startConsumer(GROUP, probe);
    const record = await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: { job: 1 } }));

    await waitFor(async () => (await kit.committedOffset(GROUP, TOPIC, record.partition)) === record.offset);
    expect(probe.deliveries.map((d) => [d.value, d.offset, d.attempt])).toEqual([
      [{ job: 1 }, record.offset, 1],
      [{ job: 1 }, record.offset, 2],
      [{ job: 1 }, record.offset, 3],
    ]);
    expect(committedDuringAttempts).toEqual([undefined, undefined, undefined]);
    expect(await kit.rows('SELECT 1 FROM bus.messages WHERE topic = $1', [deadLetterTopic(TOPIC)])).toEqual([]);
  });

  it('moves a poison message to the dead-letter topic after maxAttempts and goes on with the partition', async () => {
    const probe = new Probe();
    probe.onEvent = (value) => {
      if ((value as { poison?: boolean }).poison) throw new Error('cannot digest this');
    };
    await kit.startConsumer(GROUP, probe);
    const client = kit.client();
    const poison = await lastValueFrom(client.emit(TOPIC, { key: 'k', value: { poison: true }, headers: { 'x-trace': 't' } }));
    const next = await lastValueFrom(client.emit(TOPIC, { key: 'k', value: { poison: false } }));

    await waitFor(async () => (await kit.committedOffset(GROUP, TOPIC, next.partition)) === next.offset);
    expect(probe.deliveries.map((d) => [d.value, d.attempt])).toEqual([
      [{ poison: true }, 1],
      [{ poison: true }, 2],
      [{ poison: true }, 3],
      [{ poison: false }, 1],
    ]);
    const deadLetters = await kit.rows('SELECT key, value, headers FROM bus.messages WHERE topic = $1', [deadLetterTopic(TOPIC)]);
    expect(deadLetters).toEqual([
      {
        key: 'k',
        value: { poison: true },
        headers: {
          'x-trace': 't',
          'x-error': 'cannot digest this',
          'x-original-topic': TOPIC,
          'x-original-partition': String(poison.partition),
          'x-original-offset': poison.offset,
          'x-attempts': String(TEST_BROKER_OPTIONS.maxAttempts),
        },
      },
    ]);
  });

  it('delivers messages published by another process, found by polling', async () => {
    const { probe } = await kit.startConsumer(GROUP);
    const first = await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'local' }));
    await waitFor(async () => (await kit.committedOffset(GROUP, TOPIC, first.partition)) === first.offset);
    // The partition is idle now. A row written behind the broker's back wakes nobody: only the poll finds it.
    await kit.rows(`INSERT INTO bus.messages (topic, partition, key, value) VALUES ($1, $2, 'k', '{"from":"elsewhere"}')`, [
      TOPIC,
      first.partition,
    ]);
    await waitFor(() => probe.deliveries.length === 2);
    expect(probe.values()).toEqual(['local', { from: 'elsewhere' }]);
  });
});

function keysOnDifferentPartitions(kit: BusTestKit): [string, string] {
  const first = 'key-0';
  for (let i = 1; ; i += 1) {
    const candidate = `key-${i}`;
    if (kit.broker.partitionFor(candidate) !== kit.broker.partitionFor(first)) return [first, candidate];
  }
}
