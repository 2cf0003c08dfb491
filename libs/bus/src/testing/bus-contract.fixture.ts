import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, type CustomTransportStrategy } from '@nestjs/microservices';
import { DomainError, ErrorCode, UnreadableMessageError } from '@recollect/contracts';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusExceptionFilter } from '../bus-exception.filter';
import { partitionForKey } from '../in-process/partitioner';
import type { PublishedRecord } from '../in-process/pg-log';
import { Probe, ProbeModule } from './bus.fixture';
import { waitFor } from './wait-for';

export interface BusTimings {
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

export interface DeadLetter {
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
}

/** One transport, freshly set up for one test: topics of its own, consumers started on demand. */
export interface BusHarness {
  /** The event topic and request pattern the probe controllers listen on. */
  readonly topic: string;
  readonly rpc: string;
  /** Partitions of the topic: keys must land where Kafka's murmur2 partitioner puts them. */
  readonly partitions: number;
  /** Deliveries before a message is dead-lettered. */
  readonly maxAttempts: number;
  /** How long waits in these cases may take on this transport. */
  readonly patienceMs: number;
  client(): BusClient;
  /** A consumer group's microservice: a Nest app with the probe controllers on this transport. */
  server(group: string): CustomTransportStrategy;
  /** The offset of the last message the group finished on the partition; undefined before the first. */
  committedOffset(group: string, partition: number): Promise<string | undefined>;
  deadLetters(): Promise<DeadLetter[]>;
  /** A client and a server pointed at a broker (or database) that does not answer. */
  unreachable(): Promise<{ client: BusClient; server: CustomTransportStrategy; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}

/** What the cases use of a client; ClientKafka's status type makes it no plain ClientProxy. */
export type BusClient = Pick<ClientProxy, 'emit' | 'send'>;

export type BusHarnessFactory = (timings?: Partial<BusTimings>) => Promise<BusHarness>;

const yieldTurns = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

const emit = (client: BusClient, topic: string, message: unknown): Promise<PublishedRecord> => lastValueFrom(client.emit<PublishedRecord>(topic, message));

/**
 * Behaviour every bus transport must show to run the services' handlers unchanged: per-key order,
 * at-least-once with commits after success, retries then dead letters, consumer groups,
 * request/reply, graceful shutdown and the 503 path. Transport-specific behaviour stays in each
 * transport's own specs.
 */
export function describeBusContract(name: string, factory: BusHarnessFactory, options: { skip?: string } = {}): void {
  describe.skipIf(options.skip !== undefined)(`Bus contract: ${name}`, () => {
    let harness: BusHarness | undefined;
    const apps = new Set<INestMicroservice>();
    const kit = () => harness!;

    async function setUp(timings?: Partial<BusTimings>): Promise<BusHarness> {
      harness = await factory(timings);
      return harness;
    }

    async function startConsumer(group: string, probe = new Probe(), answersRequests = true): Promise<{ app: INestMicroservice; probe: Probe }> {
      const { topic, rpc } = kit();
      const app = await NestFactory.createMicroservice(ProbeModule.with(probe, answersRequests, { topic, rpc }), {
        strategy: kit().server(group),
        logger: process.env.DEBUG_BUS ? ['error', 'warn', 'log'] : false,
      });
      app.useGlobalFilters(new BusExceptionFilter());
      await app.listen();
      apps.add(app);
      return { app, probe };
    }

    async function stopConsumer(app: INestMicroservice): Promise<void> {
      apps.delete(app);
      await app.close();
    }

    const committed = (group: string, record: PublishedRecord) => async () => (await kit().committedOffset(group, record.partition)) === record.offset;

    afterEach(async () => {
      await Promise.all([...apps].map((app) => stopConsumer(app)));
      await harness?.dispose();
      harness = undefined;
    });

    describe('events', () => {
      beforeEach(async () => void (await setUp()));

      it('delivers messages of each key in publish order, 200 messages over several keys, to every handler of the topic', async () => {
        const probe = new Probe();
        probe.onEvent = () => yieldTurns(Math.floor(Math.random() * 5)); // uneven handler times across partitions
        await startConsumer('indexer', probe);
        const client = kit().client();
        const keys = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e'];
        for (let seq = 0; seq < 200; seq += 1) {
          const key = keys[seq % keys.length]!;
          await emit(client, kit().topic, { key, value: { key, seq } });
        }

        await waitFor(() => probe.deliveries.length === 200, kit().patienceMs * 2, '200 deliveries');
        for (const key of keys) {
          const seen = probe.deliveries.filter((d) => d.key === key).map((d) => (d.value as { seq: number }).seq);
          expect(seen, key).toEqual(Array.from({ length: 40 }, (_, i) => keys.indexOf(key) + i * keys.length));
        }
        await waitFor(() => probe.secondHandlerDeliveries.length === 200, kit().patienceMs, 'the second handler');
      });

      it('loses nothing when many producers write to one key at once, and offsets grow', async () => {
        const { probe } = await startConsumer('indexer');
        const client = kit().client();
        await Promise.all(Array.from({ length: 300 }, (_, n) => emit(client, kit().topic, { key: 'hot', value: n })));
        await waitFor(() => probe.deliveries.length >= 300, kit().patienceMs * 2, '300 deliveries');
        expect(new Set(probe.values()).size).toBe(300);
        const offsets = probe.deliveries.map((d) => BigInt(d.offset));
        expect(offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]!)).toBe(true);
      });

      it('puts a key on the partition the murmur2 partitioner names and tells handlers where a message came from', async () => {
        const { probe } = await startConsumer('indexer');
        const record = await emit(kit().client(), kit().topic, { key: 'k', value: { hello: 'world' }, headers: { h: 'v' } });
        expect(record.partition).toBe(partitionForKey('k', kit().partitions));
        await waitFor(() => probe.deliveries.length === 1, kit().patienceMs);
        expect(probe.deliveries[0]).toEqual({
          value: { hello: 'world' },
          topic: kit().topic,
          key: 'k',
          partition: record.partition,
          offset: record.offset,
          headers: { h: 'v' },
          attempt: 1,
        });
      });

      it('delivers a bare value, as Nest sends it, without a key', async () => {
        const { probe } = await startConsumer('indexer');
        await emit(kit().client(), kit().topic, { n: 2 });
        await waitFor(() => probe.deliveries.length === 1, kit().patienceMs);
        expect(probe.deliveries[0]).toMatchObject({ value: { n: 2 }, key: null });
      });

      it('redelivers a failing message with growing attempt numbers and commits only after success', async () => {
        const probe = new Probe();
        const committedDuringAttempts: Array<string | undefined> = [];
        probe.onEvent = async (_value, ctx) => {
          committedDuringAttempts.push(await kit().committedOffset('indexer', ctx.getPartition()));
          if (ctx.getAttempt() < 3) throw new Error(`flaky on attempt ${ctx.getAttempt()}`);
        };
        await startConsumer('indexer', probe);
        const record = await emit(kit().client(), kit().topic, { key: 'k', value: { job: 1 } });

        await waitFor(committed('indexer', record), kit().patienceMs, 'the commit');
        expect(probe.deliveries.map((d) => [d.value, d.offset, d.attempt])).toEqual([
          [{ job: 1 }, record.offset, 1],
          [{ job: 1 }, record.offset, 2],
          [{ job: 1 }, record.offset, 3],
        ]);
        expect(committedDuringAttempts).toEqual([undefined, undefined, undefined]);
        expect(await kit().deadLetters()).toEqual([]);
      });

      it('moves a poison message to the dead-letter topic after maxAttempts and goes on with the partition', async () => {
        const probe = new Probe();
        probe.onEvent = (value) => {
          if ((value as { poison?: boolean }).poison) throw new Error('cannot digest this');
        };
        await startConsumer('indexer', probe);
        const client = kit().client();
        const poison = await emit(client, kit().topic, { key: 'k', value: { poison: true }, headers: { 'x-trace': 't' } });
        const next = await emit(client, kit().topic, { key: 'k', value: { poison: false } });

        await waitFor(committed('indexer', next), kit().patienceMs, 'the commit after the poison message');
        const attempts = Array.from({ length: kit().maxAttempts }, (_, i) => [{ poison: true }, i + 1]);
        expect(probe.deliveries.map((d) => [d.value, d.attempt])).toEqual([...attempts, [{ poison: false }, 1]]);
        expect(await kit().deadLetters()).toEqual([
          {
            key: 'k',
            value: { poison: true },
            headers: {
              'x-trace': 't',
              'x-error': 'cannot digest this',
              'x-original-topic': kit().topic,
              'x-original-partition': String(poison.partition),
              'x-original-offset': poison.offset,
              'x-attempts': String(kit().maxAttempts),
            },
          },
        ]);
      });

      it('dead-letters a message that fails its schema at its first failure: no retry can read it', async () => {
        const probe = new Probe();
        probe.onEvent = (value) => {
          if ((value as { malformed?: boolean }).malformed) {
            throw new UnreadableMessageError(new DomainError(ErrorCode.ValidationFailed, 'Invalid command: payload.when: Invalid ISO datetime'));
          }
        };
        await startConsumer('indexer', probe);
        const client = kit().client();
        const malformed = await emit(client, kit().topic, { key: 'k', value: { malformed: true } });
        const next = await emit(client, kit().topic, { key: 'k', value: { malformed: false } });

        await waitFor(committed('indexer', next), kit().patienceMs, 'the commit after the malformed message');
        expect(probe.deliveries.map((d) => [d.value, d.attempt])).toEqual([
          [{ malformed: true }, 1],
          [{ malformed: false }, 1],
        ]);
        expect(await kit().deadLetters()).toEqual([
          expect.objectContaining({
            value: { malformed: true },
            headers: expect.objectContaining({ 'x-original-offset': malformed.offset, 'x-attempts': '1' }),
          }),
        ]);
      });
    });

    describe('request/reply', () => {
      beforeEach(async () => void (await setUp()));

      it("returns the handler's reply, for a keyed message and for a bare value", async () => {
        const probe = new Probe();
        probe.onRequest = (value, ctx) => ({ ok: true, data: { echoed: value, key: ctx.getKey(), topic: ctx.getTopic() } });
        await startConsumer('query', probe);
        const client = kit().client();
        const ask = (data: unknown) => lastValueFrom(client.send(kit().rpc, data).pipe(timeout(kit().patienceMs)));

        await expect(ask({ key: 'tenant-1', value: { q: 'cats' } })).resolves.toEqual({
          ok: true,
          data: { echoed: { q: 'cats' }, key: 'tenant-1', topic: kit().rpc },
        });
        await expect(ask({ q: 'dogs' })).resolves.toEqual({ ok: true, data: { echoed: { q: 'dogs' }, key: null, topic: kit().rpc } });
      });

      it("is cut by the caller's rxjs timeout when the handler does not answer in time", async () => {
        const probe = new Probe();
        let answer: ((reply: unknown) => void) | undefined;
        probe.onRequest = () => new Promise((resolve) => (answer = resolve));
        await startConsumer('query', probe);
        const reply = lastValueFrom(kit().client().send(kit().rpc, { key: 'k', value: {} }).pipe(timeout(300)));
        await expect(reply).rejects.toBeInstanceOf(TimeoutError);
        await waitFor(() => answer !== undefined, kit().patienceMs);
        answer!({ ok: true, data: 'too late' }); // lets the consumer close: close waits for handlers in flight
      });

      it("passes a handler's exception to the caller as the error", async () => {
        const probe = new Probe();
        probe.onRequest = () => {
          throw new Error('search index is gone');
        };
        await startConsumer('query', probe);
        await expect(lastValueFrom(kit().client().send(kit().rpc, { value: 1 }).pipe(timeout(kit().patienceMs)))).rejects.toThrow('search index is gone');
      });
    });

    describe('consumer groups and lifecycle', () => {
      it('gives every message to each consumer group', async () => {
        await setUp();
        const indexer = await startConsumer('indexer');
        const auditor = await startConsumer('auditor', new Probe(), false);
        const client = kit().client();
        for (let n = 0; n < 20; n += 1) await emit(client, kit().topic, { key: `k${n % 3}`, value: n });

        await waitFor(() => indexer.probe.deliveries.length === 20 && auditor.probe.deliveries.length === 20, kit().patienceMs);
        const sorted = (probe: Probe): unknown[] => probe.values().sort((a, b) => Number(a) - Number(b));
        expect(sorted(indexer.probe)).toEqual(Array.from({ length: 20 }, (_, n) => n));
        expect(sorted(auditor.probe)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      });

      it('delivers what was published before the consumer started, and resumes after a restart without redelivering', async () => {
        await setUp();
        const client = kit().client();
        // One key, so one partition: a redelivered old message would arrive before the new ones.
        for (let n = 0; n < 5; n += 1) await emit(client, kit().topic, { key: 'same', value: n });

        const first = await startConsumer('indexer');
        await waitFor(() => first.probe.deliveries.length === 5, kit().patienceMs);
        expect(first.probe.values()).toEqual([0, 1, 2, 3, 4]);
        await stopConsumer(first.app);

        for (let n = 5; n < 8; n += 1) await emit(client, kit().topic, { key: 'same', value: n });
        expect(first.probe.deliveries).toHaveLength(5); // a closed consumer takes nothing more

        const second = await startConsumer('indexer');
        await waitFor(() => second.probe.deliveries.length >= 3, kit().patienceMs);
        expect(second.probe.values()).toEqual([5, 6, 7]);
      });

      it('shows a handler the records read after its own on the partition, in order, each still delivered', async () => {
        await setUp();
        const client = kit().client();
        const published: PublishedRecord[] = [];
        for (let n = 0; n < 4; n += 1) published.push(await emit(client, kit().topic, { key: 'same', value: n }));
        const upcoming: string[][] = [];
        const probe = new Probe();
        probe.onEvent = (_value, ctx) => void upcoming.push(ctx.getUpcoming().map((record) => `${record.offset}:${String(record.value)}`));
        await startConsumer('indexer', probe);
        await waitFor(() => probe.deliveries.length === 4, kit().patienceMs);
        expect(probe.values()).toEqual([0, 1, 2, 3]);
        // Already on the partition when the consumer started, so read together: each sees those after it.
        const labels = published.map((record, n) => `${record.offset}:${n}`);
        expect(upcoming).toEqual([labels.slice(1), labels.slice(2), labels.slice(3), []]);
      });

      it('waits on close for the handler in flight, then commits its message', async () => {
        await setUp();
        const probe = new Probe();
        const events: string[] = [];
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        probe.onEvent = async () => {
          events.push('handler started');
          await gate;
          events.push('handler finished');
        };
        const { app } = await startConsumer('indexer', probe);
        const record = await emit(kit().client(), kit().topic, { key: 'k', value: 'slow' });
        await waitFor(() => events.includes('handler started'), kit().patienceMs);

        const closed = stopConsumer(app).then(() => events.push('closed'));
        await yieldTurns(50);
        expect(events).toEqual(['handler started']);
        release();
        await closed;
        expect(events).toEqual(['handler started', 'handler finished', 'closed']);
        await waitFor(committed('indexer', record), kit().patienceMs, 'the commit');
      });

      it('closes promptly during a retry backoff, leaving the message to be redelivered on the next start', async () => {
        await setUp({ retryBackoffMs: 60_000, maxRetryBackoffMs: 60_000 });
        const failing = new Probe();
        failing.onEvent = () => {
          throw new Error('not yet');
        };
        const first = await startConsumer('indexer', failing);
        const record = await emit(kit().client(), kit().topic, { key: 'k', value: 'retry me' });
        await waitFor(() => failing.deliveries.length === 1, kit().patienceMs);
        await stopConsumer(first.app); // would hang for the 60 s backoff if close did not cut it short
        expect(await kit().committedOffset('indexer', record.partition)).toBeUndefined();

        const second = await startConsumer('indexer');
        await waitFor(committed('indexer', record), kit().patienceMs, 'the commit after redelivery');
        expect(second.probe.values()).toEqual(['retry me']);
      });
    });

    describe('when the broker cannot be reached', () => {
      beforeEach(async () => void (await setUp()));

      it('rejects an emit with BusUnavailable (the 503 path)', async () => {
        const dead = await kit().unreachable();
        try {
          const error = await lastValueFrom(dead.client.emit(kit().topic, { key: 'k', value: 1 })).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
        } finally {
          await dead.dispose();
        }
      });

      it('fails to listen with BusUnavailable', async () => {
        const dead = await kit().unreachable();
        const app = await NestFactory.createMicroservice(ProbeModule.with(new Probe(), false, { topic: kit().topic, rpc: kit().rpc }), {
          strategy: dead.server,
          logger: false,
        });
        try {
          const error = await app.listen().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
        } finally {
          await app.close();
          await dead.dispose();
        }
      });
    });
  });
}
