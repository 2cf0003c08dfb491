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
});
