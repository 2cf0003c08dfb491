import { DomainError, ErrorCode } from '@recollect/contracts';
import { freePort } from '@recollect/testing';
import { Pool } from 'pg';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit, Probe, RPC, TOPIC } from '../testing/bus.fixture';
import { waitFor } from '../testing/wait-for';
import { InProcessBroker } from './in-process.broker';
import { InProcessClient } from './in-process.client';

describe('InProcessClient', () => {
  let kit: BusTestKit;
  beforeEach(async () => (kit = await BusTestKit.create()));
  afterEach(async () => kit.dispose());

  describe('emit', () => {
    it('resolves only once the message is committed in PostgreSQL', async () => {
      const client = kit.client();
      const record = await lastValueFrom(client.emit(TOPIC, { key: 'tenant-1', value: { n: 1 }, headers: { 'x-trace': 't1' } }));

      // A different connection sees the row the moment emit resolves: it was committed before.
      const rows = await kit.rows('SELECT "offset", topic, partition, key, headers, value FROM bus.messages');
      expect(rows).toEqual([
        { offset: record.offset, topic: TOPIC, partition: record.partition, key: 'tenant-1', headers: { 'x-trace': 't1' }, value: { n: 1 } },
      ]);
      expect(record.partition).toBe(kit.broker.partitionFor('tenant-1'));
    });

    it('accepts a bare value, like Nest does, and stores it without a key', async () => {
      await lastValueFrom(kit.client().emit(TOPIC, { n: 2 }));
      await lastValueFrom(kit.client().emit(TOPIC, 'just text'));
      const rows = await kit.rows<{ key: string | null; value: unknown }>('SELECT key, value FROM bus.messages ORDER BY "offset"');
      expect(rows).toEqual([
        { key: null, value: { n: 2 } },
        { key: null, value: 'just text' },
      ]);
    });

    it('delivers to a running consumer with topic, key, partition, offset, headers and attempt in the context', async () => {
      const { probe } = await kit.startConsumer('indexer');
      const record = await lastValueFrom(kit.client().emit(TOPIC, { key: 'k', value: { hello: 'world' }, headers: { h: 'v' } }));
      await waitFor(() => probe.deliveries.length === 1);
      expect(probe.deliveries[0]).toEqual({
        value: { hello: 'world' },
        topic: TOPIC,
        key: 'k',
        partition: record.partition,
        offset: record.offset,
        headers: { h: 'v' },
        attempt: 1,
      });
    });

    it('rejects with BusUnavailable when PostgreSQL is unreachable (the 503 path)', async () => {
      const deadPool = new Pool({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2_000 });
      const client = new InProcessClient(new InProcessBroker({ pool: deadPool }));
      try {
        const error = await lastValueFrom(client.emit(TOPIC, { key: 'k', value: 1 })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe(ErrorCode.BusUnavailable);
        expect((error as DomainError).message).toMatch(/ECONNREFUSED/);
      } finally {
        await deadPool.end();
      }
    });
  });

  describe('send (request/reply)', () => {
    it("returns the handler's reply, for a keyed message and for a bare value", async () => {
      const probe = new Probe();
      probe.onRequest = (value, ctx) => ({ ok: true, data: { echoed: value, key: ctx.getKey(), topic: ctx.getTopic() } });
      await kit.startConsumer('query', probe);
      const client = kit.client();

      await expect(lastValueFrom(client.send(RPC, { key: 'tenant-1', value: { q: 'cats' } }))).resolves.toEqual({
        ok: true,
        data: { echoed: { q: 'cats' }, key: 'tenant-1', topic: RPC },
      });
      await expect(lastValueFrom(client.send(RPC, { q: 'dogs' }))).resolves.toEqual({
        ok: true,
        data: { echoed: { q: 'dogs' }, key: null, topic: RPC },
      });
      expect(await kit.rows('SELECT * FROM bus.messages')).toEqual([]); // requests are not stored
    });

    it("is cut by the caller's rxjs timeout when the handler does not answer in time", async () => {
      const probe = new Probe();
      let answer!: (reply: unknown) => void;
      probe.onRequest = () => new Promise((resolve) => (answer = resolve));
      await kit.startConsumer('query', probe);
      const reply = lastValueFrom(kit.client().send(RPC, { key: 'k', value: {} }).pipe(timeout(100)));
      await expect(reply).rejects.toBeInstanceOf(TimeoutError);
      answer({ ok: true, data: 'too late' }); // lets the consumer close: close waits for handlers in flight
    });

    it('fails with a clear error when no service answers the pattern', async () => {
      const reply = lastValueFrom(kit.client().send('nobody.listens.rpc.v1', { value: 1 }));
      await expect(reply).rejects.toThrow(/no handler is listening for "nobody.listens.rpc.v1"/);
    });

    it("passes a handler's exception to the caller as the error", async () => {
      const probe = new Probe();
      probe.onRequest = () => {
        throw new Error('search index is gone');
      };
      await kit.startConsumer('query', probe);
      await expect(lastValueFrom(kit.client().send(RPC, { value: 1 }))).rejects.toThrow('search index is gone');
    });

    it('stops answering once the consumer is closed', async () => {
      const { app } = await kit.startConsumer('query');
      await kit.stopConsumer(app);
      await expect(lastValueFrom(kit.client().send(RPC, { value: 1 }))).rejects.toThrow(/no handler is listening/);
    });
  });
});
