import { MEMORY_CONTEXT_TYPE, MEMORY_TAG, agentTag, memorySource, type MessagesUpserted, type StoredMessage, type Tenant } from '@recollect/contracts';
import type { ChunkRecord, DocumentRecord } from '@recollect/search-index';
import { chunkId } from '../chunking/chunk-id';
import { chunkText } from '../chunking/sentence-chunker';
import type { ChunkingOptions } from '../ingestion.tokens';

/** A turn shorter than this is embedded with the end of the turn before it ("Yes, twice!" means little alone). */
export const SHORT_TURN_WORDS = 8;
/** At most this many words of the previous turn ride along as context. */
const CONTEXT_WORDS = 24;

export interface PlannedChunk {
  record: Omit<ChunkRecord, 'vector'>;
  /** What the embedder reads: the speaker, and for short turns the previous turn; the stored text stays the turn itself. */
  embedText: string;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const spoken = (authorName: string | null, text: string): string => (authorName ? `${authorName}: ${text}` : text);

/** One search-index document per message, the same for every redelivery of it. */
export const memoryDocumentId = (tenant: Tenant, sessionId: string, messageId: string): string =>
  chunkId(['memory', tenant.userId, tenant.organizationId ?? '', sessionId, messageId]);

function embedTextFor(message: StoredMessage, piece: string, pieceCount: number, maxWords: number): string {
  const own = spoken(message.authorName, piece);
  if (pieceCount > 1 || !message.previous || words(message.text).length >= SHORT_TURN_WORDS) return own;
  const room = Math.min(CONTEXT_WORDS, maxWords - words(own).length);
  if (room <= 0) return own;
  const context = words(spoken(message.previous.authorName, message.previous.text)).slice(-room).join(' ');
  return `${context}\n${own}`;
}

/** The chunks of one message: deterministic ids from (tenant, session, message, chunk index), so an update overwrites them. */
export function planMessageChunks(tenant: Tenant, change: MessagesUpserted, message: StoredMessage, chunking: ChunkingOptions): PlannedChunk[] {
  const documentId = memoryDocumentId(tenant, change.sessionId, message.id);
  // Room for the speaker's name in front of every piece, within what the embedder reads.
  const maxWords = Math.max(chunking.overlapWords + 1, chunking.maxWords - words(message.authorName ?? '').length);
  const pieces = chunkText(message.text, { maxWords, overlapWords: chunking.overlapWords });
  return pieces.map((piece) => ({
    embedText: embedTextFor(message, piece.text, pieces.length, chunking.maxWords),
    record: {
      id: chunkId(['memory', tenant.userId, tenant.organizationId ?? '', change.sessionId, message.id, String(piece.index)]),
      tenant,
      documentId,
      chunkIndex: piece.index,
      text: piece.text,
      source: memorySource(change.sessionId),
      contextType: MEMORY_CONTEXT_TYPE,
      scope: 'internal',
      fileName: null,
      fileType: null,
      groupName: change.agentId ? [MEMORY_TAG, agentTag(change.agentId)] : [MEMORY_TAG],
      lastModified: message.occurredAt,
      fileSize: null,
      metadata: {
        ...message.metadata,
        sessionId: change.sessionId,
        messageId: message.id,
        position: message.position,
        role: message.role,
        ...(message.authorName ? { speaker: message.authorName } : {}),
        occurredAt: message.occurredAt,
        ...(change.agentId ? { agentId: change.agentId } : {}),
        ...(message.media.length > 0 ? { media: message.media } : {}),
        context_id: change.sessionId,
        document_id: documentId,
        chunk_index: piece.index,
        chunk_count: pieces.length,
      },
      createdAt: message.createdAt,
      updatedAt: message.updatedAt,
    },
  }));
}

/**
 * What lexical search reads for one message: the words of the turn before it, so a reply is found by
 * the question it answers ("Yes, twice!"), the turn itself with its speaker, then the words of the
 * turn after it, so a question or a bare statement is found by what was said back. Only the turn's own
 * speaker is named: with every name in every document, a name in a query would no longer say who spoke.
 */
export function messageDocument(tenant: Tenant, change: MessagesUpserted, message: StoredMessage): DocumentRecord {
  const own = spoken(message.authorName, message.text);
  return {
    tenant,
    documentId: memoryDocumentId(tenant, change.sessionId, message.id),
    source: memorySource(change.sessionId),
    contextType: MEMORY_CONTEXT_TYPE,
    scope: 'internal',
    fileName: null,
    fileType: null,
    groupName: change.agentId ? [MEMORY_TAG, agentTag(change.agentId)] : [MEMORY_TAG],
    lastModified: message.occurredAt,
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
    title: null,
    text: [message.previous?.text, own, message.next?.text].filter((part) => part !== undefined).join('\n'),
  };
}
