import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainError, ErrorCode } from '@recollect/contracts';
import { freePort } from '@recollect/testing';
import { Pool } from 'pg';
import { lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BusTestKit, Probe, TOPIC } from '../testing/bus.fixture';
import { waitFor } from '../testing/wait-for';
import { InProcessBroker } from './in-process.broker';
import { InProcessServer } from './in-process.server';

@Module({})
class EmptyModule {}

const yieldTurns = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('InProcessServer lifecycle', () => {
  let kit: BusTestKit | undefined;
  afterEach(async () => {
    await kit?.dispose();
    kit = undefined;
  });

  it('gives every message to each consumer group', async () => {
    kit = await BusTestKit.create();
    const indexer = await kit.startConsumer('indexer');
    const auditor = await kit.startConsumer('auditor', new Probe(), false);
    const client = kit.client();
    for (let n = 0; n < 20; n += 1) await lastValueFrom(client.emit(TOPIC, { key: `k${n % 3}`, value: n }));

    await waitFor(() => indexer.probe.deliveries.length === 20 && auditor.probe.deliveries.length === 20);
    const sorted = (probe: Probe): unknown[] => probe.values().sort((a, b) => Number(a) - Number(b));
    expect(sorted(indexer.probe)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(sorted(auditor.probe)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('delivers what was published before the consumer started, and resumes after a restart without redelivering', async () => {
    kit = await BusTestKit.create();
    const client = kit.client();
    // One key, so one partition: a redelivered old message would arrive before the new ones.
    for (let n = 0; n < 5; n += 1) await lastValueFrom(client.emit(TOPIC, { key: 'same', value: n }));

    const first = await kit.startConsumer('indexer');
    await waitFor(() => first.probe.deliveries.length === 5);
    expect(first.probe.values()).toEqual([0, 1, 2, 3, 4]);
    await kit.stopConsumer(first.app);

    for (let n = 5; n < 8; n += 1) await lastValueFrom(client.emit(TOPIC, { key: 'same', value: n }));
    expect(first.probe.deliveries).toHaveLength(5); // a closed consumer takes nothing more

    const second = await kit.startConsumer('indexer');
    await waitFor(() => second.probe.deliveries.length >= 3);
    expect(second.probe.values()).toEqual([5, 6, 7]);
  });

  it('waits on close for the handler in flight, then commits its message', async () => {
    kit = await BusTestKit.create();
    const probe = new Probe();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    probe.onEvent = async () => {
      events.push('handler started');
      await gate;
      events.push('handler finished');
    };
    const { app } = await kit.startConsumer('indexer', probe);
    const record = await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'slow' }));
    await waitFor(() => events.includes('handler started'));

    const closed = kit.stopConsumer(app).then(() => events.push('closed'));
    await yieldTurns(50);
    expect(events).toEqual(['handler started']);
    release();
    await closed;
    expect(events).toEqual(['handler started', 'handler finished', 'closed']);
    expect(await kit.committedOffset('indexer', TOPIC, record.partition)).toBe(record.offset);
  });

  it('closes promptly during a retry backoff, leaving the message to be redelivered on the next start', async () => {
    kit = await BusTestKit.create({ retryBackoffMs: 60_000, maxRetryBackoffMs: 60_000 });
    const failing = new Probe();
    failing.onEvent = () => {
      throw new Error('not yet');
    };
    const first = await kit.startConsumer('indexer', failing);
    const record = await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: 'retry me' }));
    await waitFor(() => failing.deliveries.length === 1);
    await kit.stopConsumer(first.app); // would hang for the 60 s backoff if close did not cut it short
    expect(await kit.committedOffset('indexer', TOPIC, record.partition)).toBeUndefined();

    const second = await kit.startConsumer('indexer');
    await waitFor(async () => (await kit!.committedOffset('indexer', TOPIC, record.partition)) === record.offset);
    expect(second.probe.values()).toEqual(['retry me']);
  });

  it('fails to listen with BusUnavailable when PostgreSQL is unreachable', async () => {
    const deadPool = new Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none` });
    const app = await NestFactory.createMicroservice(EmptyModule, {
      strategy: new InProcessServer({ broker: new InProcessBroker({ pool: deadPool }), group: 'indexer' }),
      logger: false,
    });
    try {
      const error = await app.listen().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
    } finally {
      await app.close();
      await deadPool.end();
    }
  });
});
