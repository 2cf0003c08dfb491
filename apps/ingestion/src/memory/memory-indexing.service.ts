import { Inject, Injectable } from '@nestjs/common';
import { memorySource, type MessagesUpserted, type SessionDeleted, type Tenant } from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { ingestionChunksIndexed } from '@recollect/metrics';
import { settleAll } from '../indexing/settle-all';
import { CHUNKING_OPTIONS, type ChunkingOptions } from '../ingestion.tokens';
import { memoryDocumentId, messageDocument, planMessageChunks, type PlannedChunk } from './memory-chunks';

const EMBED_BATCH = 256;

export interface IndexCounts {
  chunksWritten: number;
  chunksDeleted: number;
}

/** Indexes, re-indexes and un-indexes memory messages. Safe to run again for the same change. */
@Injectable()
export class MemoryIndexingService {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(CHUNKING_OPTIONS) private readonly chunking: ChunkingOptions,
  ) {}

  /** `keepDocumentsOf`: messages whose chunks are written but whose lexical document a later change already wrote. */
  async indexMessages(tenant: Tenant, change: MessagesUpserted, keepDocumentsOf: ReadonlySet<string> = new Set()): Promise<IndexCounts> {
    const planned = change.messages.flatMap((message) => planMessageChunks(tenant, change, message, this.chunking));
    const chunksDeleted = await this.removeShrunkMessages(tenant, change, planned);
    let lastChunks: Promise<void> | undefined;
    for (let start = 0; start < planned.length; start += EMBED_BATCH) {
      const batch = planned.slice(start, start + EMBED_BATCH);
      const vectors = await this.embedder.embed(batch.map((p) => p.embedText));
      lastChunks = this.index.upsert(batch.map((p, i) => ({ ...p.record, vector: vectors[i]! })));
      if (start + EMBED_BATCH < planned.length) await lastChunks;
    }
    // The messages' lexical rows go to another table: written beside the last chunks, not after them.
    // Those of the messages whose neighbour changed go with them; their chunks do not change.
    const documents = [...change.messages.filter((message) => !keepDocumentsOf.has(message.id)), ...(change.contextChanged ?? [])].map((message) =>
      messageDocument(tenant, change, message),
    );
    await settleAll([lastChunks, this.index.upsertDocuments(documents)]);
    ingestionChunksIndexed.inc({ source: 'memory' }, planned.length);
    return { chunksWritten: planned.length, chunksDeleted };
  }

  async unindexSession(tenant: Tenant, change: SessionDeleted): Promise<IndexCounts> {
    return { chunksWritten: 0, chunksDeleted: await this.index.deleteWhere({ tenant, source: memorySource(change.sessionId) }) };
  }

  /** Un-indexes some messages of a session, when later changes wrote its others. */
  async unindexMessages(tenant: Tenant, sessionId: string, messageIds: readonly string[]): Promise<IndexCounts> {
    if (messageIds.length === 0) return { chunksWritten: 0, chunksDeleted: 0 };
    const documentIds = messageIds.map((id) => memoryDocumentId(tenant, sessionId, id));
    return { chunksWritten: 0, chunksDeleted: await this.index.deleteWhere({ tenant, documentIds }) };
  }

  /**
   * A replaced message whose text now makes fewer chunks would keep its old tail chunks: those are
   * deleted, and the rest overwritten. Its lexical document stays until rewritten (or, if a later
   * change wrote it, stays as it is).
   */
  private async removeShrunkMessages(tenant: Tenant, change: MessagesUpserted, planned: PlannedChunk[]): Promise<number> {
    const replaced = change.messages.filter((m) => m.replaced).map((m) => memoryDocumentId(tenant, change.sessionId, m.id));
    if (replaced.length === 0) return 0;
    const newCount = new Map<string, number>();
    for (const { record } of planned) newCount.set(record.documentId, (newCount.get(record.documentId) ?? 0) + 1);
    return this.index.deleteChunkTails(
      tenant,
      replaced.map((documentId) => ({ documentId, fromChunkIndex: newCount.get(documentId) ?? 0 })),
    );
  }
}
