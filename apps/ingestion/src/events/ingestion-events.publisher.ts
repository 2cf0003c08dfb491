import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { BUS_CLIENT, emitInOrder } from '@recollect/bus';
import {
  Topics,
  makeEnvelope,
  sessionKey,
  tenantKey,
  type ContextDeleted,
  type ContextIndexed,
  type Envelope,
  type JobUpdated,
  type MemoryIndexed,
} from '@recollect/contracts';
import { derivedEventId } from './event-id';

/**
 * Publishes what ingestion did; other services and teams subscribe to these topics. Each event's id
 * is derived from the fact it announces, so announcing it again (after a redelivery) repeats the id.
 */
@Injectable()
export class IngestionEventsPublisher {
  constructor(@Inject(BUS_CLIENT) private readonly bus: ClientProxy) {}

  jobUpdated(cause: Envelope<unknown>, update: JobUpdated): Promise<void> {
    const id = derivedEventId(Topics.contextJobUpdated, update.jobId, update.status, String(update.attemptsMade));
    return this.publish(Topics.contextJobUpdated, tenantKey(cause.tenant), cause, update, id);
  }

  indexed(cause: Envelope<unknown>, indexed: ContextIndexed): Promise<void> {
    return this.publish(Topics.contextIndexed, tenantKey(cause.tenant), cause, indexed, derivedEventId(Topics.contextIndexed, indexed.jobId));
  }

  deleted(cause: Envelope<unknown>, deleted: ContextDeleted): Promise<void> {
    return this.publish(Topics.contextDeleted, tenantKey(cause.tenant), cause, deleted, derivedEventId(Topics.contextDeleted, deleted.jobId));
  }

  /** One per memory change and result: a change applied again (same envelope id) is announced under the same id; a change that failed, then went through, is not. */
  memoryIndexed(cause: Envelope<unknown>, indexed: MemoryIndexed): Promise<void> {
    const result = indexed.failure ? `failed:${indexed.failure.code}` : 'applied';
    return this.publish(Topics.memoryIndexed, sessionKey(cause.tenant, indexed.sessionId), cause, indexed, derivedEventId(Topics.memoryIndexed, cause.id, result));
  }

  /** Waits out a publish that timed out (see emitInOrder): the command's next delivery must not announce a later fact before it. */
  private async publish(topic: string, key: string, cause: Envelope<unknown>, payload: unknown, id: string): Promise<void> {
    const value = makeEnvelope(topic, cause.tenant, cause.correlationId, payload, id);
    await emitInOrder(this.bus, topic, { key, value, headers: { 'x-correlation-id': cause.correlationId } });
  }

}
