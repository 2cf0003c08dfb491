import { freePort } from '@recollect/testing';
import { Pool } from 'pg';
import { deadLetterTopic } from '@recollect/contracts';
import { type BusHarness, describeBusContract } from '../testing/bus-contract.fixture';
import { BusTestKit, RPC, TEST_BROKER_OPTIONS, TOPIC } from '../testing/bus.fixture';
import { InProcessBroker } from './in-process.broker';
import { InProcessClient } from './in-process.client';
import { InProcessServer } from './in-process.server';

describeBusContract('in-process (PostgreSQL log)', async (timings) => {
  const kit = await BusTestKit.create(timings);
  const harness: BusHarness = {
    topic: TOPIC,
    rpc: RPC,
    partitions: TEST_BROKER_OPTIONS.partitions,
    maxAttempts: TEST_BROKER_OPTIONS.maxAttempts,
    patienceMs: 10_000,
    client: () => kit.client(),
    server: (group) => new InProcessServer({ broker: kit.broker, group }),
    committedOffset: (group, partition) => kit.committedOffset(group, TOPIC, partition),
    deadLetters: () => kit.rows('SELECT key, value, headers FROM bus.messages WHERE topic = $1 ORDER BY "offset"', [deadLetterTopic(TOPIC)]),
    async unreachable() {
      const pool = new Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2_000 });
      const broker = new InProcessBroker({ pool });
      return { client: new InProcessClient(broker), server: new InProcessServer({ broker, group: 'indexer' }), dispose: () => pool.end() };
    },
    dispose: () => kit.dispose(),
  };
  return harness;
});
