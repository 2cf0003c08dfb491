import { Injectable } from '@nestjs/common';
import type { MessagesUpserted, SessionDeleted, Tenant } from '@recollect/contracts';
import { MemoryVersionsRepository } from './memory-versions.repository';

/** What of a deletion to apply: the whole session, or only these messages, where later changes wrote others. */
export type DeletionScope = { wholeSession: true } | { wholeSession: false; messageIds: string[] };

/**
 * Keeps a late change from undoing later ones. Changes of a session arrive in the order stored, but a
 * copy can come again after later ones: a publish that landed after its retry, a dead letter
 * replayed. Such a change applies only to the messages no later change has written, and not at all
 * to a session deleted after it; a late deletion removes only what no later change wrote.
 */
@Injectable()
export class MemoryChangeOrder {
  constructor(private readonly versions: MemoryVersionsRepository) {}

  /** The change without the messages a later change wrote (all of them if the session was deleted after it). */
  async currentPart(tenant: Tenant, change: MessagesUpserted, sequence: bigint | undefined): Promise<MessagesUpserted> {
    if (sequence === undefined) return change;
    const context = change.contextChanged ?? [];
    const { deletedAt, messages } = await this.versions.of(tenant, change.sessionId, [...change.messages, ...context].map((m) => m.id));
    if (deletedAt !== null && deletedAt >= sequence) return { ...change, messages: [], contextChanged: [] };
    const current = <M extends { id: string }>(message: M) => (messages.get(message.id) ?? -1n) <= sequence;
    return { ...change, messages: change.messages.filter(current), ...(change.contextChanged ? { contextChanged: context.filter(current) } : {}) };
  }

  async deletionScope(tenant: Tenant, change: SessionDeleted, sequence: bigint | undefined): Promise<DeletionScope> {
    if (sequence === undefined) return { wholeSession: true };
    const later = new Set(await this.versions.writtenAfter(tenant, change.sessionId, sequence));
    return later.size === 0 ? { wholeSession: true } : { wholeSession: false, messageIds: change.messageIds.filter((id) => !later.has(id)) };
  }

  async recordApplied(tenant: Tenant, applied: MessagesUpserted, sequence: bigint | undefined): Promise<void> {
    if (sequence === undefined) return;
    await this.versions.recordWritten(tenant, applied.sessionId, [...applied.messages, ...(applied.contextChanged ?? [])].map((m) => m.id), sequence);
  }

  async recordDeleted(tenant: Tenant, change: SessionDeleted, sequence: bigint | undefined): Promise<void> {
    if (sequence !== undefined) await this.versions.recordDeleted(tenant, change.sessionId, sequence);
  }
}
