import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type AddContextCommand, type ContextIndexed, type Tenant } from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type ChunkRecord, type DocumentRecord, type SearchIndex } from '@recollect/search-index';
import { documentTitle } from '../chunking/document-title';
import { chunkText } from '../chunking/sentence-chunker';
import { DocumentEntity } from '../documents/document.entity';
import { DocumentsRepository } from '../documents/documents.repository';
import { CHUNKING_OPTIONS, type ChunkingOptions } from '../ingestion.tokens';
import { chunkId } from '../chunking/chunk-id';
import { planDocuments, type PlannedDocument } from './document-plan';
import { EmbeddingPrefetch } from './embedding-prefetch.service';
import { settleAll } from './settle-all';

/** Bounds memory on huge documents: vectors are made and written this many chunks at a time. */
const EMBED_BATCH = 256;

@Injectable()
export class IndexingService {
  constructor(
    private readonly documents: DocumentsRepository,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(CHUNKING_OPTIONS) private readonly chunking: ChunkingOptions,
    private readonly prefetch: EmbeddingPrefetch,
  ) {}

  /** Starts encoding an add command's first chunks before its delivery; indexContext picks the vectors up. */
  prepare(command: AddContextCommand): void {
    if (this.prefetch.has(command.jobId)) return;
    const texts: string[] = [];
    for (const doc of planDocuments(command)) {
      if (texts.length >= EMBED_BATCH) break;
      texts.push(...chunkText(doc.content, this.chunking).map((piece) => piece.text));
    }
    this.prefetch.start(command.jobId, texts.slice(0, EMBED_BATCH));
  }

  /** Chunks, embeds and indexes every document of an add command. Safe to run again for the same command. */
  async indexContext(tenant: Tenant, command: AddContextCommand): Promise<Omit<ContextIndexed, 'jobId'>> {
    const planned = planDocuments(command);
    await this.refuseTakenFileNames(tenant, planned, command.contextId);

    const now = new Date().toISOString();
    const chunks = planned.flatMap((doc) => this.chunkDocument(tenant, command, doc, now));
    let lastChunks: Promise<void> | undefined;
    for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
      const batch = chunks.slice(start, start + EMBED_BATCH);
      const texts = batch.map((c) => c.text);
      const vectors = (start === 0 ? await this.prefetch.take(command.jobId, texts) : undefined) ?? (await this.embedder.embed(texts));
      lastChunks = this.index.upsert(batch.map((chunk, i) => ({ ...chunk, vector: vectors[i]! })));
      if (start + EMBED_BATCH < chunks.length) await lastChunks;
    }
    // The documents' lexical rows go to another table: written beside the last chunks, not after them.
    await settleAll([lastChunks, this.index.upsertDocuments(planned.map((doc) => this.documentRecord(tenant, command, doc, now)))]);

    const counts = new Map<string, number>();
    for (const chunk of chunks) counts.set(chunk.documentId, (counts.get(chunk.documentId) ?? 0) + 1);
    await this.documents.upsert(planned.map((doc) => this.documentRow(tenant, command, doc, counts.get(doc.id) ?? 0)));

    return {
      contextId: command.contextId,
      source: command.source,
      documents: planned.map((doc) => ({ documentId: doc.id, fileName: doc.fileName, chunkCount: counts.get(doc.id) ?? 0 })),
    };
  }

  private async refuseTakenFileNames(tenant: Tenant, planned: PlannedDocument[], contextId: string): Promise<void> {
    const names = [...new Set(planned.map((d) => d.fileName).filter((n): n is string => n !== null))];
    const taken = await this.documents.takenFileNames(tenant, names, contextId);
    if (taken.length > 0) {
      throw new DomainError(ErrorCode.DuplicateFile, `fileName already exists for this tenant: ${taken.join(', ')} (delete it first)`, { fileNames: taken });
    }
  }

  private chunkDocument(tenant: Tenant, command: AddContextCommand, doc: PlannedDocument, now: string): Array<Omit<ChunkRecord, 'vector'>> {
    const pieces = chunkText(doc.content, this.chunking);
    return pieces.map((piece) => ({
      id: chunkId([doc.id, String(piece.index)]),
      tenant,
      documentId: doc.id,
      chunkIndex: piece.index,
      text: piece.text,
      source: command.source,
      contextType: command.contextType,
      scope: command.scope,
      fileName: doc.fileName,
      fileType: doc.fileType,
      groupName: doc.groupName,
      lastModified: doc.lastModified,
      fileSize: doc.fileSize,
      metadata: {
        ...doc.metadata,
        context_id: command.contextId,
        document_id: doc.id,
        chunk_index: piece.index,
        chunk_count: pieces.length,
        parent_context_nodes: doc.parentIds,
        children_context_nodes: doc.childIds,
      },
      createdAt: now,
      updatedAt: now,
    }));
  }

  /** The whole document for document-level BM25, with the same filter fields as its chunks. */
  private documentRecord(tenant: Tenant, command: AddContextCommand, doc: PlannedDocument, now: string): DocumentRecord {
    return {
      tenant,
      documentId: doc.id,
      source: command.source,
      contextType: command.contextType,
      scope: command.scope,
      fileName: doc.fileName,
      groupName: doc.groupName,
      lastModified: doc.lastModified,
      createdAt: now,
      updatedAt: now,
      title: documentTitle(doc.content, doc.metadata),
      text: doc.content,
    };
  }

  private documentRow(tenant: Tenant, command: AddContextCommand, doc: PlannedDocument, chunkCount: number): DocumentEntity {
    return Object.assign(new DocumentEntity(), {
      id: doc.id,
      userId: tenant.userId,
      organizationId: tenant.organizationId,
      contextId: command.contextId,
      jobId: command.jobId,
      position: doc.position,
      source: command.source,
      contextType: command.contextType,
      scope: command.scope,
      fileName: doc.fileName,
      chunkCount,
      contentBytes: Buffer.byteLength(doc.content),
      metadata: doc.metadata,
    });
  }
}
