import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DomainError,
  ErrorCode,
  type AddMemoryCommand,
  type DeleteMemoryCommand,
  type MemoryMessageInput,
  type MessageNeighbour,
  type MessagesUpserted,
  type SessionDeleted,
  type StoredMessage,
  type Tenant,
  type UpdateMemoryCommand,
} from '@recollect/contracts';
import { derivedMessageId, messageRowId } from '../memory-ids';
import { ConversationRepository } from './conversation.repository';
import { describeContent, type MessageContent } from './message-content';
import { MessageEntity } from './message.entity';
import { nextNeighbour, previousNeighbour } from './neighbour';
import type { SessionEntity } from './session.entity';

export interface UpsertOutcome {
  change: MessagesUpserted;
  messageIds: string[];
  /** Messages replaced plus messages appended. */
  updatedEntries: number;
}

type IdentifiedInput = MemoryMessageInput & { id: string };

/** Ids fixed first (derived ones from the operation), then one entry per id: the last one sent wins, at the place of the first. */
function identify(operationId: string, messages: readonly MemoryMessageInput[]): IdentifiedInput[] {
  const byId = new Map<string, IdentifiedInput>();
  messages.forEach((message, index) => {
    const id = message.id ?? derivedMessageId(operationId, index);
    byId.set(id, { ...message, id });
  });
  return [...byId.values()];
}

/** Applies memory commands to sessions and messages, inside the caller's transaction, and says what changed. */
@Injectable()
export class ConversationWriter {
  constructor(private readonly conversations: ConversationRepository) {}

  async add(tx: EntityManager, tenant: Tenant, command: AddMemoryCommand): Promise<UpsertOutcome> {
    const session = await this.conversations.lockOrCreateSession(tx, tenant, command.sessionId, command.agentId);
    if (command.agentId && !session.agentId) session.agentId = command.agentId;
    return this.upsert(tx, session, command.operationId, command.messages);
  }

  async update(tx: EntityManager, tenant: Tenant, command: UpdateMemoryCommand): Promise<UpsertOutcome> {
    const session = await this.conversations.lockSession(tx, tenant, command.sessionId);
    if (!session) throw new DomainError(ErrorCode.NotFound, `No memory session ${command.sessionId}`, { sessionId: command.sessionId });
    return this.upsert(tx, session, command.operationId, command.messages);
  }

  /** Deleting a session that does not exist changes nothing here but still un-indexes, so a retry after a partial failure cleans up. */
  async delete(tx: EntityManager, tenant: Tenant, command: DeleteMemoryCommand): Promise<SessionDeleted> {
    const session = await this.conversations.lockSession(tx, tenant, command.sessionId);
    const messageIds = session ? await this.conversations.messageIdsOf(tx, session.id) : [];
    if (session) await this.conversations.deleteSession(tx, session);
    return { operationId: command.operationId, sessionId: command.sessionId, messageIds };
  }

  /** Existing ids are replaced in place (keeping position and, unless given anew, occurredAt); new ids are appended in the order sent. */
  private async upsert(tx: EntityManager, session: SessionEntity, operationId: string, messages: readonly MemoryMessageInput[]): Promise<UpsertOutcome> {
    const now = new Date();
    const inputs = identify(operationId, messages);
    const existing = new Map(
      (
        await this.conversations.findMessages(
          tx,
          session.id,
          inputs.map((m) => m.id),
        )
      ).map((row) => [row.messageId, row]),
    );
    const written = inputs.map((input) => {
      const before = existing.get(input.id);
      const content = describeContent(input.blocks);
      const row = Object.assign(new MessageEntity(), {
        id: messageRowId(session.id, input.id),
        sessionRowId: session.id,
        userId: session.userId,
        organizationId: session.organizationId,
        messageId: input.id,
        position: before?.position ?? session.messageCount++,
        role: input.role,
        authorName: input.authorName,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : (before?.occurredAt ?? now),
        text: content.text,
        blocks: input.blocks,
        mediaBytes: content.mediaBytes,
        metadata: input.metadata,
        lastOperationId: operationId,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      });
      return { row, content, replaced: before !== undefined };
    });
    await this.conversations.upsertMessages(
      tx,
      written.map((w) => w.row),
    );
    await this.conversations.saveSession(tx, session);

    // A replaced message is the context of the one after it (in its lexical document, and in the
    // embedding of a short turn), so that one goes out again with its new `previous`.
    const writtenAt = new Set(written.map((w) => w.row.position));
    const followers = await this.conversations.messageRowsAt(
      tx,
      session.id,
      written.filter((w) => w.replaced && !writtenAt.has(w.row.position + 1)).map((w) => w.row.position + 1),
    );
    const sent = [...written, ...followers.map((row) => ({ row, content: describeContent(row.blocks), replaced: true }))];
    // A written message is also the context of the one before it, in that one's lexical document
    // only; so that one goes out too, apart, since its chunks stay as they are.
    const sentAt = new Set(sent.map((w) => w.row.position));
    const preceding = await this.conversations.messageRowsAt(
      tx,
      session.id,
      [...sentAt].map((p) => p - 1).filter((p) => p >= 0 && !sentAt.has(p)),
    );
    const described = [...sent, ...preceding.map((row) => ({ row, content: describeContent(row.blocks), replaced: true }))];
    // Neighbours already in hand are not read again; only those around the edges are.
    const inHand = described.map((w) => w.row);
    const held = new Set(inHand.map((row) => row.position));
    const around = described.flatMap((w) => [w.row.position - 1, w.row.position + 1]).filter((p) => p >= 0 && !held.has(p));
    const neighbours = [...inHand, ...(await this.conversations.messagesAt(tx, session.id, around))];
    const at = new Map(neighbours.map((n) => [n.position, n]));
    const neighbour = (position: number, cut: typeof previousNeighbour): MessageNeighbour | null => {
      const found = at.get(position);
      return found ? cut(found.authorName, found.text) : null;
    };
    const store = ({ row, content, replaced }: (typeof described)[number]): StoredMessage =>
      toStoredMessage(row, content, replaced, neighbour(row.position - 1, previousNeighbour), neighbour(row.position + 1, nextNeighbour));
    const stored = sent.map(store);
    const contextChanged = described.slice(sent.length).map(store);
    return {
      change: { operationId, sessionId: session.sessionId, agentId: session.agentId, messages: stored, contextChanged },
      messageIds: inputs.map((m) => m.id),
      updatedEntries: inputs.length,
    };
  }
}

function toStoredMessage(
  row: MessageEntity,
  content: MessageContent,
  replaced: boolean,
  previous: MessageNeighbour | null,
  next: MessageNeighbour | null,
): StoredMessage {
  return {
    id: row.messageId,
    position: row.position,
    role: row.role,
    authorName: row.authorName,
    occurredAt: row.occurredAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    metadata: row.metadata,
    text: content.text,
    media: content.media,
    replaced,
    previous,
    next,
  };
}
