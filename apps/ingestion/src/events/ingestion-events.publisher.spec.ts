import type { ClientProxy } from '@nestjs/microservices';
import { stillSending } from '@recollect/bus';
import { CommandTypes, Topics, makeEnvelope, tenantKey, type JobUpdated } from '@recollect/contracts';
import { defer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { IngestionEventsPublisher } from './ingestion-events.publisher';

const cause = makeEnvelope(CommandTypes.addContext, { userId: 'alice', organizationId: 'acme' }, 'corr-1', {});
const update = { jobId: 'job-1', status: 'active', attemptsMade: 1 } as JobUpdated;

/** A bus whose every publish times out while still being sent, until the test settles it. */
function timingOutBus() {
  const sends: Array<{ land(): void; giveUp(): void }> = [];
  const bus = {
    emit: () =>
      defer(async () => {
        const send = new Promise<void>((resolve, reject) => sends.push({ land: resolve, giveUp: () => reject(new Error('retries exhausted')) }));
        throw stillSending(new Error('not acknowledged in time'), send);
      }),
  };
  return { sends, client: bus as unknown as ClientProxy };
}

const stillPending = (work: Promise<unknown>) => Promise.race([work.then(() => 'settled'), new Promise((resolve) => setImmediate(() => resolve('pending')))]);

describe(IngestionEventsPublisher.name, () => {
  it('waits for an event whose publish timed out, and counts it published once it lands', async () => {
    const { sends, client } = timingOutBus();
    const publishing = new IngestionEventsPublisher(client).jobUpdated(cause, update);
    expect(await stillPending(publishing)).toBe('pending');
    sends[0]!.land();
    await expect(publishing).resolves.toBeUndefined();
  });

  it('fails once the bus gives up on it, so the command is delivered again', async () => {
    const { sends, client } = timingOutBus();
    const publishing = new IngestionEventsPublisher(client).jobUpdated(cause, update);
    expect(await stillPending(publishing)).toBe('pending');
    sends[0]!.giveUp();
    await expect(publishing).rejects.toThrow('not acknowledged in time');
  });

  it('publishes on the job topic, keyed by tenant, under an id derived from the update', async () => {
    const emitted: unknown[] = [];
    const client = { emit: (topic: string, message: unknown) => defer(async () => void emitted.push([topic, message])) } as unknown as ClientProxy;
    const sut = new IngestionEventsPublisher(client);
    await sut.jobUpdated(cause, update);
    await sut.jobUpdated(cause, update);
    const [[topic, first], [, second]] = emitted as Array<[string, { key: string; value: { id: string } }]>;
    expect(topic).toBe(Topics.contextJobUpdated);
    expect(first.key).toBe(tenantKey(cause.tenant));
    expect(first.value.id).toBe(second.value.id);
  });
});
