import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { BUS_CLIENT, landedLate } from '@recollect/bus';
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

  /**
   * An event whose publish timed out may still be in flight: this waits until it lands (then it
   * counts as published) or the bus gives up on it. Otherwise the command's next delivery could
   * announce later facts first (a job completed), and the late event (the job active) after them.
   */
  private async publish(topic: string, key: string, cause: Envelope<unknown>, payload: unknown, id: string): Promise<void> {
    const value = makeEnvelope(topic, cause.tenant, cause.correlationId, payload, id);
    try {
      await lastValueFrom(this.bus.emit(topic, { key, value, headers: { 'x-correlation-id': cause.correlationId } }), { defaultValue: undefined });
    } catch (error) {
      if (!(await landedLate(error))) throw error;
    }
  }
}
