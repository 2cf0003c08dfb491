import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { BUS_CLIENT } from '@recollect/bus';
import { MemoryChangeTypes, Topics, makeEnvelope, sessionKey, type Envelope, type MessagesUpserted, type SessionDeleted } from '@recollect/contracts';

/** Publishes what the memory service stored; ingestion (and any other subscriber) follows `memory.changes.v1`. */
@Injectable()
export class MemoryEventsPublisher {
  constructor(@Inject(BUS_CLIENT) private readonly bus: ClientProxy) {}

  messagesUpserted(cause: Envelope<unknown>, change: MessagesUpserted): Promise<void> {
    return this.publish(MemoryChangeTypes.messagesUpserted, cause, change.sessionId, change);
  }

  sessionDeleted(cause: Envelope<unknown>, change: SessionDeleted): Promise<void> {
    return this.publish(MemoryChangeTypes.sessionDeleted, cause, change.sessionId, change);
  }

  private async publish(type: string, cause: Envelope<unknown>, sessionId: string, payload: unknown): Promise<void> {
    const value = makeEnvelope(type, cause.tenant, cause.correlationId, payload);
    await lastValueFrom(
      this.bus.emit(Topics.memoryChanges, { key: sessionKey(cause.tenant, sessionId), value, headers: { 'x-correlation-id': cause.correlationId } }),
      { defaultValue: undefined },
    );
  }
}
