import { Injectable } from '@nestjs/common';
import type { MessagesUpserted, SessionDeleted, Tenant } from '@recollect/contracts';
import type { EntityManager } from 'typeorm';
import { MemoryVersionsRepository, type MessageVersion } from './memory-versions.repository';

/** What of an upsert no later change has overtaken. */
export interface CurrentPart {
  /** The change with only the messages whose chunks are current, and the neighbours whose documents are. */
  change: MessagesUpserted;
  /** Messages of `change.messages` whose chunks are current but whose lexical document a later change wrote. */
  staleDocuments: ReadonlySet<string>;
  /** Messages and neighbours of the change left out. */
  skipped: number;
}

/** What of a deletion to apply: the whole session, or only these messages, where later changes wrote others. */
export type DeletionScope = { wholeSession: true } | { wholeSession: false; messageIds: string[] };

const NONE = -1n;
const chunksOf = (version: MessageVersion | undefined): bigint => version?.chunks ?? NONE;
const documentOf = (version: MessageVersion | undefined): bigint => version?.document ?? NONE;

/**
 * Keeps a late change from undoing later ones. Changes of a session arrive in the order stored, but a
 * copy can come again after later ones: a publish that landed after its retry, a dead letter
 * replayed. By the sequence each carries (`x-change-sequence`), such a change applies only to what no
 * later change wrote (a message's chunks and its lexical document apart), and not at all to a session
 * deleted after it; a late deletion removes only what no later change wrote. A change without a
 * sequence (published before they were stamped) applies whole.
 */
@Injectable()
export class MemoryChangeOrder {
  constructor(private readonly versions: MemoryVersionsRepository) {}

  /**
   * Runs a numbered change's check, index writes and record as one, against any other consumer
   * applying the same session, on the transaction it hands `work` (`undefined` for a change without
   * a sequence, which needs neither).
   */
  exclusive<T>(tenant: Tenant, sessionId: string, sequence: bigint | undefined, work: (tx: EntityManager | undefined) => Promise<T>): Promise<T> {
    return sequence === undefined ? work(undefined) : this.versions.exclusive(tenant, sessionId, work);
  }

  async currentPart(tx: EntityManager | undefined, tenant: Tenant, change: MessagesUpserted, sequence: bigint | undefined): Promise<CurrentPart> {
    if (sequence === undefined || tx === undefined) return { change, staleDocuments: new Set(), skipped: 0 };
    const context = change.contextChanged ?? [];
    const { deletedAt, messages: versions } = await this.versions.of(tx, tenant, change.sessionId, [...change.messages, ...context].map((m) => m.id));
    if (deletedAt !== null && deletedAt >= sequence) {
      return { change: { ...change, messages: [], contextChanged: [] }, staleDocuments: new Set(), skipped: change.messages.length + context.length };
    }
    const messages = change.messages
      .filter((message) => chunksOf(versions.get(message.id)) <= sequence)
      // The index may hold an earlier copy of a message written before (one a lost deletion left, say):
      // its tail chunks are cleared if the message is now shorter.
      .map((message) => (versions.has(message.id) && !message.replaced ? { ...message, replaced: true } : message));
    const contextChanged = context.filter((message) => documentOf(versions.get(message.id)) <= sequence);
    const staleDocuments = new Set(messages.filter((message) => documentOf(versions.get(message.id)) > sequence).map((message) => message.id));
    const current = { ...change, messages, ...(change.contextChanged ? { contextChanged } : {}) };
    return { change: current, staleDocuments, skipped: change.messages.length - messages.length + context.length - contextChanged.length };
  }

  async deletionScope(tx: EntityManager | undefined, tenant: Tenant, change: SessionDeleted, sequence: bigint | undefined): Promise<DeletionScope> {
    if (sequence === undefined || tx === undefined) return { wholeSession: true };
    const later = new Set(await this.versions.writtenAfter(tx, tenant, change.sessionId, sequence));
    return later.size === 0 ? { wholeSession: true } : { wholeSession: false, messageIds: change.messageIds.filter((id) => !later.has(id)) };
  }

  async recordApplied(tx: EntityManager | undefined, tenant: Tenant, applied: CurrentPart, sequence: bigint | undefined): Promise<void> {
    if (sequence === undefined || tx === undefined) return;
    const { change, staleDocuments } = applied;
    const chunks = change.messages.map((m) => m.id);
    const documents = [...chunks.filter((id) => !staleDocuments.has(id)), ...(change.contextChanged ?? []).map((m) => m.id)];
    await this.versions.recordWritten(tx, tenant, change.sessionId, { chunks, documents }, sequence);
  }

  async recordDeleted(tx: EntityManager | undefined, tenant: Tenant, change: SessionDeleted, sequence: bigint | undefined): Promise<void> {
    if (sequence !== undefined && tx !== undefined) await this.versions.recordDeleted(tx, tenant, change.sessionId, sequence);
  }
}
