import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { BUS_CLIENT, emitInOrder } from '@recollect/bus';
import {
  CHANGE_SEQUENCE_HEADER,
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
/** Before the first change's id. */
const START = '0';

/** `ids` in consecutive parts whose JSON takes at most `room` bytes each (one id at least per part). */
function inParts(ids: readonly string[], room: number): string[][] {
  const parts: string[][] = [[]];
  let used = 0;
  for (const id of ids) {
    const bytes = Buffer.byteLength(JSON.stringify(id)) + 1; // and its comma
    if (used + bytes > room && parts[parts.length - 1]!.length > 0) {
      parts.push([]);
      used = 0;
    }
    parts[parts.length - 1]!.push(id);
    used += bytes;
  }
  return parts;
}
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
  /** Where the relay's next pass starts: the id of the oldest change of the last session it took. */
  private relayCursor = START;

  constructor(
    private readonly changes: ChangeOutboxRepository,
    @Inject(BUS_CLIENT) private readonly bus: ClientProxy,
    @Inject(CHANGE_LIMITS) private readonly limits: ChangeLimits,
  ) {}

  messagesUpserted(tx: EntityManager, cause: Envelope<unknown>, change: MessagesUpserted): Promise<void> {
    return this.enqueue(tx, MemoryChangeTypes.messagesUpserted, cause, change.operationId, change.sessionId, change);
  }

  /**
   * A deletion lists every message id of the session, which can outgrow one bus message: the ids then
   * go in as many deletion changes as it takes, in order. Each is whole on its own (ingestion removes
   * the session at the first, whichever ids it lists); together they list every id.
   */
  async sessionDeleted(tx: EntityManager, cause: Envelope<unknown>, change: SessionDeleted): Promise<void> {
    const withoutIds = this.serialise(MemoryChangeTypes.sessionDeleted, cause, { ...change, messageIds: [] });
    for (const messageIds of inParts(change.messageIds, this.limits.maxChangeBytes - Buffer.byteLength(withoutIds))) {
      await this.enqueue(tx, MemoryChangeTypes.sessionDeleted, cause, change.operationId, change.sessionId, { ...change, messageIds });
    }
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
   * holds is left to it; one that fails is left for a later pass, and the others go on.
   */
  async publishStale(olderThanMs: number, { sessions = 100, signal }: { sessions?: number; signal?: AbortSignal } = {}): Promise<RelayPass> {
    let stale = await this.changes.staleKeys(olderThanMs, sessions, this.relayCursor);
    if (stale.length === 0 && this.relayCursor !== START) stale = await this.changes.staleKeys(olderThanMs, sessions, START);
    // The next pass goes on after the last session of this one, so sessions that fail every time
    // cannot take every pass; past the end, it starts over.
    this.relayCursor = stale.length < sessions ? START : stale[stale.length - 1]!.firstId;
    const pass: RelayPass = { published: 0, failedSessions: 0 };
    for (const { key } of stale) {
      if (signal?.aborted) break;
      try {
        pass.published += (await this.changes.publishEach(key, false, (change) => this.publish(key, change))) ?? 0;
      } catch {
        pass.failedSessions += 1;
      }
    }
    return pass;
  }

  private serialise(type: string, cause: Envelope<unknown>, payload: unknown): string {
    return JSON.stringify(makeEnvelope(type, cause.tenant, cause.correlationId, payload));
  }

  /**
   * Refuses, inside the transaction that would store it, a change the bus could never take: waiting
   * at the head of its session for good, it would hold back every later change of the session.
   */
  private async enqueue(tx: EntityManager, type: string, cause: Envelope<unknown>, operationId: string, sessionId: string, payload: unknown): Promise<void> {
    const valueJson = this.serialise(type, cause, payload);
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

  /**
   * Runs under the session's publishing lock, which emitInOrder keeps while a timed-out publish may
   * still land: released sooner, another publisher could send the change again, then a later one,
   * and this copy could land after them. The outbox id grows in the order a session's changes are
   * stored (one writer per session at a time).
   */
  private async publish(key: string, { id, value, headers }: WaitingChange): Promise<void> {
    await emitInOrder(this.bus, Topics.memoryChanges, { key, value, headers: { ...headers, [CHANGE_SEQUENCE_HEADER]: String(id) } });
  }

}
