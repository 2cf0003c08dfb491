import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { BUS_CLIENT } from '@recollect/bus';
import {
  DomainError,
  ErrorCode,
  MemoryChangeTypes,
  Topics,
  makeEnvelope,
  sessionKey,
  type Envelope,
  type MessagesUpserted,
  type SessionDeleted,
  type Tenant,
} from '@recollect/contracts';
import { CHANGE_LIMITS, type ChangeLimits } from '../memory.tokens';
import { ChangeOutboxRepository, type WaitingChange } from './change-outbox.repository';

/** What one pass over the changes left waiting did. */
export interface RelayPass {
  published: number;
  /** Sessions whose changes could not be published this time; they stay, in order, for the next pass. */
  failedSessions: number;
}

const MIB = 1024 * 1024;
const size = (bytes: number): string => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * What the memory service stored, for ingestion and any other subscriber of `memory.changes.v1`. A
 * change is written to the outbox in the transaction that stores its messages, then published: never
 * before they are stored, and never lost to a failed publish or a process stopping in between (the
 * next delivery of its command, or the relay, publishes it). A session's changes go out in the order
 * they were stored.
 */
@Injectable()
export class ChangeOutbox {
  constructor(
    private readonly changes: ChangeOutboxRepository,
    @Inject(BUS_CLIENT) private readonly bus: ClientProxy,
    @Inject(CHANGE_LIMITS) private readonly limits: ChangeLimits,
  ) {}

  messagesUpserted(tx: EntityManager, cause: Envelope<unknown>, change: MessagesUpserted): Promise<void> {
    return this.enqueue(tx, MemoryChangeTypes.messagesUpserted, cause, change.operationId, change.sessionId, change);
  }

  sessionDeleted(tx: EntityManager, cause: Envelope<unknown>, change: SessionDeleted): Promise<void> {
    return this.enqueue(tx, MemoryChangeTypes.sessionDeleted, cause, change.operationId, change.sessionId, change);
  }

  /**
   * Publishes the session's waiting changes, oldest first, and removes them once all are published;
   * waits for another publisher of the session to finish first. Throws when one cannot be published:
   * it stays, with those after it, and the ones before it go out again next time (a subscriber may
   * see a change twice, never out of order).
   */
  async publishPending(tenant: Tenant, sessionId: string): Promise<number> {
    const key = sessionKey(tenant, sessionId);
    return (await this.changes.publishEach(key, true, (change) => this.publish(key, change))) ?? 0;
  }

  /**
   * Publishes the changes of up to `sessions` sessions that have waited longer than `olderThanMs`:
   * those whose command gave up publishing them after its last delivery. A session another publisher
   * holds is left to it; one that fails is left for the next pass, and the others go on.
   */
  async publishStale(olderThanMs: number, { sessions = 100, signal }: { sessions?: number; signal?: AbortSignal } = {}): Promise<RelayPass> {
    const pass: RelayPass = { published: 0, failedSessions: 0 };
    for (const key of await this.changes.staleKeys(olderThanMs, sessions)) {
      if (signal?.aborted) break;
      try {
        pass.published += (await this.changes.publishEach(key, false, (change) => this.publish(key, change))) ?? 0;
      } catch {
        pass.failedSessions += 1;
      }
    }
    return pass;
  }

  /**
   * Refuses, inside the transaction that would store it, a change the bus could never take: waiting
   * at the head of its session for good, it would hold back every later change of the session.
   */
  private async enqueue(tx: EntityManager, type: string, cause: Envelope<unknown>, operationId: string, sessionId: string, payload: unknown): Promise<void> {
    const valueJson = JSON.stringify(makeEnvelope(type, cause.tenant, cause.correlationId, payload));
    const bytes = Buffer.byteLength(valueJson);
    if (bytes > this.limits.maxChangeBytes) {
      throw new DomainError(
        ErrorCode.PayloadTooLarge,
        `The change this command makes (${size(bytes)}, with the neighbouring messages it carries) is over the ${size(this.limits.maxChangeBytes)} a bus message may hold; send fewer or smaller messages per call`,
        { changeBytes: bytes, maxChangeBytes: this.limits.maxChangeBytes },
      );
    }
    await this.changes.add(tx, { operationId, key: sessionKey(cause.tenant, sessionId), valueJson, headers: { 'x-correlation-id': cause.correlationId } });
  }

  private async publish(key: string, { value, headers }: WaitingChange): Promise<void> {
    await lastValueFrom(this.bus.emit(Topics.memoryChanges, { key, value, headers }), { defaultValue: undefined });
  }
}
