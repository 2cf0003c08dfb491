import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit, TOPIC } from '../testing/bus.fixture';
import { PgLog, type AppendRequest } from './pg-log';

const message = (valueJson: string): AppendRequest => ({ topic: TOPIC, partition: 0, key: 'k', headers: {}, valueJson });

describe(PgLog.name, () => {
  let kit: BusTestKit;
  beforeEach(async () => (kit = await BusTestKit.create()));
  afterEach(async () => kit.dispose());

  it('stores the other messages of a shared commit when the database refuses one of them', async () => {
    const sut = new PgLog(kit.pool);
    await sut.ensureSchema();
    // The first append is in flight alone; the next three wait and then share one commit.
    const first = sut.append(message('"first"'));
    const shared = [sut.append(message('"before"')), sut.append(message('"\\u0000"')), sut.append(message('"after"'))];
    const [before, refused, after] = await Promise.allSettled(shared);

    await first;
    expect(before.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    expect(after.status).toBe('fulfilled');
    const stored = await sut.read(TOPIC, 0, '0', 10);
    expect(stored.map((record) => record.value)).toEqual(['first', 'before', 'after']);
  });

  it("counts a group's backlog past what it committed on each partition, and all of a partition it never committed", async () => {
    const sut = new PgLog(kit.pool);
    await sut.ensureSchema();
    const onPartition = (partition: number, count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => sut.append({ ...message(String(i)), partition })));
    const [partitionZero, partitionOne] = await Promise.all([onPartition(0, 5), onPartition(1, 3), onPartition(2, 4)]);
    await sut.commit('readers', TOPIC, 0, partitionZero[1]!.offset);
    await sut.commit('others', TOPIC, 1, partitionOne[2]!.offset);

    // Partition 0: 3 past the commit; partition 1: all 3 (the commit is another group's); partition 2 is out of range.
    expect(await sut.backlog('readers', TOPIC, 2)).toBe(6);
    expect(await sut.backlog('readers', TOPIC, 3)).toBe(10);
    expect(await sut.backlog('readers', 'another.topic.v1', 3)).toBe(0);
  });
});
