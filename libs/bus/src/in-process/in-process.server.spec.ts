import { Client, type Pool } from 'pg';
import { lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit, Probe, TOPIC } from '../testing/bus.fixture';
import { waitFor } from '../testing/wait-for';
import { PgLog } from './pg-log';
import { LISTENER_NAME } from './pg-wakeups';

// Transport-independent behaviour is in the bus contract (in-process.contract.spec.ts); these cases are about the PostgreSQL log.
const GROUP = 'indexer';

describe('InProcessServer event consumption', () => {
  let kit: BusTestKit;
  beforeEach(async () => (kit = await BusTestKit.create()));
  afterEach(async () => kit.dispose());

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

  it('shows each handler the records read with its own that come after it on the partition', async () => {
    for (const value of ['a', 'b', 'c']) await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value }));
    const probe = new Probe();
    const upcoming: unknown[][] = [];
    probe.onEvent = (_value, ctx) => void upcoming.push(ctx.getUpcoming().map((record) => record.value));
    await kit.startConsumer(GROUP, probe);
    await waitFor(() => probe.deliveries.length === 3);
    expect(upcoming).toEqual([['b', 'c'], ['c'], []]);
  });

  it('reads messages published during a delivery ahead, so the handler sees them as upcoming, and delivers each once, in order', async () => {
    const probe = new Probe();
    const seenLater: unknown[][] = [];
    probe.onEvent = async (value, ctx) => {
      if (value !== 'first') return;
      expect(ctx.getUpcoming()).toEqual([]);
      for (const later of ['second', 'third']) await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: later }));
      // Still inside the first delivery: the consumer has read them meanwhile.
      await waitFor(() => ctx.getUpcoming().length === 2, 3_000, 'the read-ahead');
      seenLater.push(ctx.getUpcoming().map((record) => record.value));
    };
    await kit.startConsumer(GROUP, probe);
    await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'first' }));
    await waitFor(() => probe.deliveries.length === 3, 3_000, 'three deliveries');
    // A marker after them: anything read twice would be delivered before it.
    await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'marker' }));
    await waitFor(() => probe.values().includes('marker'), 3_000, 'the marker');
    expect(seenLater).toEqual([['second', 'third']]);
    expect(probe.values()).toEqual(['first', 'second', 'third', 'marker']);
    expect(probe.deliveries.map((d) => d.attempt)).toEqual([1, 1, 1, 1]);
  });

  it('commits a run of quick deliveries read together once, at the last of them', async () => {
    const published = [];
    for (const value of ['a', 'b', 'c', 'd', 'e']) published.push(await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value })));
    const commits: string[] = [];
    const commit = kit.broker.log.commit.bind(kit.broker.log);
    kit.broker.log.commit = async (group, topic, partition, offset) => {
      commits.push(offset);
      return commit(group, topic, partition, offset);
    };
    const { probe } = await kit.startConsumer(GROUP);
    const last = published[published.length - 1]!;
    await waitFor(async () => (await kit.committedOffset(GROUP, TOPIC, last.partition)) === last.offset);
    expect(probe.values()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(commits).toEqual([last.offset]);
  });

  it('commits what it handled before a handler that keeps failing, before retrying it', async () => {
    const published = [];
    for (const value of ['ok', 'poison']) published.push(await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value })));
    const probe = new Probe();
    probe.onEvent = (value) => {
      if (value === 'poison') throw new Error('cannot handle this');
    };
    await kit.startConsumer(GROUP, probe);
    const [ok] = published;
    // Each delivery of the poison message sleeps a backoff first; the handled one is committed by then.
    await waitFor(() => probe.deliveries.length >= 3);
    expect(await kit.committedOffset(GROUP, TOPIC, ok!.partition)).toBe(ok!.offset);
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

describe('InProcessServer wake-ups across processes', () => {
  // Polls so rare that only a commit notification can explain a prompt delivery.
  let kit: BusTestKit;
  beforeEach(async () => (kit = await BusTestKit.create({ pollIntervalMs: 600_000 })));
  afterEach(async () => kit.dispose());

  const storeBehindTheBrokersBack = (partition: number, value: unknown) =>
    kit.rows(`INSERT INTO bus.messages (topic, partition, key, value) VALUES ($1, $2, 'k', $3)`, [TOPIC, partition, JSON.stringify(value)]);
  const listeningBackends = async () =>
    (await kit.rows<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [LISTENER_NAME])).map((row) => row.pid);

  it('wakes idle consumers as soon as another process commits a message', async () => {
    const { probe } = await kit.startConsumer(GROUP);
    await storeBehindTheBrokersBack(1, 'from another process');
    await waitFor(() => probe.deliveries.length === 1, 5_000, 'a delivery without polling');
    expect(probe.values()).toEqual(['from another process']);
  });

  it('listens again after losing its connection, and catches up on what was committed while it was gone', async () => {
    const { probe } = await kit.startConsumer(GROUP);
    const [listener] = await waitFor(listeningBackends);
    // Keep the listener out while the message is stored, so only the catch-up after reconnecting can deliver it.
    const url = new URL(kit.pool.options.connectionString!);
    const db = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS false`);
      await kit.rows('SELECT pg_terminate_backend($1)', [listener]);
      await storeBehindTheBrokersBack(2, 'while nobody listened');
    } finally {
      await admin.query(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await waitFor(async () => (await listeningBackends()).some((pid) => pid !== listener), 10_000, 'a new listening connection');
    await waitFor(() => probe.deliveries.length === 1, 5_000, 'the missed message');
    await storeBehindTheBrokersBack(3, 'after reconnecting');
    await waitFor(() => probe.deliveries.length === 2, 5_000, 'a delivery on the new connection');
    expect(probe.values()).toEqual(['while nobody listened', 'after reconnecting']);
  });
});

function keysOnDifferentPartitions(kit: BusTestKit): [string, string] {
  const first = 'key-0';
  for (let i = 1; ; i += 1) {
    const candidate = `key-${i}`;
    if (kit.broker.partitionFor(candidate) !== kit.broker.partitionFor(first)) return [first, candidate];
  }
}
