import { lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusTestKit, Probe, RPC, TOPIC } from '../testing/bus.fixture';

// Transport-independent behaviour is in the bus contract (in-process.contract.spec.ts); these cases are about the PostgreSQL log.
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

    it('fails with a clear error when no service answers the pattern', async () => {
      const reply = lastValueFrom(kit.client().send('nobody.listens.rpc.v1', { value: 1 }));
      await expect(reply).rejects.toThrow(/no handler is listening for "nobody.listens.rpc.v1"/);
    });

    it('stops answering once the consumer is closed', async () => {
      const { app } = await kit.startConsumer('query');
      await kit.stopConsumer(app);
      await expect(lastValueFrom(kit.client().send(RPC, { value: 1 }))).rejects.toThrow(/no handler is listening/);
    });
  });
});
