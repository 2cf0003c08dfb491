import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { BUS_CLIENT } from '@recollect/bus';
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
  type Tenant,
} from '@recollect/contracts';

/** Publishes what ingestion did; other services and teams subscribe to these topics. */
@Injectable()
export class IngestionEventsPublisher {
  constructor(@Inject(BUS_CLIENT) private readonly bus: ClientProxy) {}

  jobUpdated(cause: Envelope<unknown>, update: JobUpdated): Promise<void> {
    return this.publish(Topics.contextJobUpdated, tenantKey(cause.tenant), cause.tenant, cause.correlationId, update);
  }

  indexed(cause: Envelope<unknown>, indexed: ContextIndexed): Promise<void> {
    return this.publish(Topics.contextIndexed, tenantKey(cause.tenant), cause.tenant, cause.correlationId, indexed);
  }

  deleted(cause: Envelope<unknown>, deleted: ContextDeleted): Promise<void> {
    return this.publish(Topics.contextDeleted, tenantKey(cause.tenant), cause.tenant, cause.correlationId, deleted);
  }

  memoryIndexed(cause: Envelope<unknown>, indexed: MemoryIndexed): Promise<void> {
    return this.publish(Topics.memoryIndexed, sessionKey(cause.tenant, indexed.sessionId), cause.tenant, cause.correlationId, indexed);
  }

  private async publish(topic: string, key: string, tenant: Tenant, correlationId: string, payload: unknown): Promise<void> {
    const value = makeEnvelope(topic, tenant, correlationId, payload);
    await lastValueFrom(this.bus.emit(topic, { key, value, headers: { 'x-correlation-id': correlationId } }), { defaultValue: undefined });
  }
}
