import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type AddContextCommand, type ContextIndexed, type Tenant } from '@recollect/contracts';
import { EMBEDDER, type Embedder } from '@recollect/embedder';
import { SEARCH_INDEX, type SearchIndex } from '@recollect/search-index';
import { ingestionChunksIndexed } from '@recollect/metrics';
import { DocumentsRepository } from '../documents/documents.repository';
import { CHUNKING_OPTIONS, type ChunkingOptions } from '../ingestion.tokens';
import { EmbeddingPrefetch, MAX_WAITING_TEXTS } from './embedding-prefetch.service';
import { chunkCounts, documentRecords, documentRows, firstChunkTexts, planCommand, planCommandInSlices, type PlannedCommand } from './index-records';
import { settleAll } from './settle-all';

/** Bounds memory on huge documents: vectors are made and written this many chunks at a time. */
export const EMBED_BATCH = 256;

/** Texts one partition may have encoded ahead: the prefetch's bound shared by the 8 partitions. */
export const PREPARE_AHEAD_TEXTS = MAX_WAITING_TEXTS / 8;

export type IndexedContext = Omit<ContextIndexed, 'jobId'>;

@Injectable()
export class IndexingService {
  constructor(
    private readonly documents: DocumentsRepository,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(CHUNKING_OPTIONS) private readonly chunking: ChunkingOptions,
    private readonly prefetch: EmbeddingPrefetch,
  ) {}

  /**
   * Starts encoding add commands' first chunks, in order, before they are applied; indexing picks the
   * vectors up. It goes as far as PREPARE_AHEAD_TEXTS, counting what is under way already, so the
   * partitions together stay within what the prefetch keeps and none drops what it needs next.
   */
  prepare(commands: ReadonlyArray<{ command: AddContextCommand }>): void {
    const toStart: Array<{ jobId: string; texts: string[] }> = [];
    let texts = 0;
    for (const { command } of commands) {
      if (texts >= PREPARE_AHEAD_TEXTS) break;
      const started = this.prefetch.textsOf(command.jobId);
      if (started !== undefined) {
        texts += started;
        continue;
      }
      const own = firstChunkTexts(command, this.chunking, EMBED_BATCH);
      toStart.push({ jobId: command.jobId, texts: own });
      texts += own.length;
    }
    this.prefetch.startEach(toStart);
  }

  /** Drops vectors made ahead for a job that will not be indexed now (skipped, or failed). */
  discardPrepared(jobId: string): void {
    this.prefetch.discard(jobId);
  }

  /** At once, for commands small enough (see MAX_BATCHED_CONTENT); indexContext plans in time slices. */
  plan(tenant: Tenant, command: AddContextCommand): PlannedCommand {
    return planCommand(tenant, command, this.chunking);
  }

  /**
   * Chunks, embeds and indexes every document of an add command. Safe to run again for the same
   * command. `onEncoded` runs once the first vectors are made, before they are written.
   */
  async indexContext(tenant: Tenant, command: AddContextCommand, onEncoded?: () => void): Promise<IndexedContext> {
    const plan = await planCommandInSlices(tenant, command, this.chunking);
    const [taken] = await this.takenFileNames([plan]);
    if (taken!.length > 0) throw duplicateFiles(taken!);

    let lastChunks: Promise<void> | undefined;
    for (let start = 0; start < plan.chunks.length; start += EMBED_BATCH) {
      const batch = plan.chunks.slice(start, start + EMBED_BATCH);
      const texts = batch.map((c) => c.text);
      const vectors = (start === 0 ? await this.prefetch.take(command.jobId, texts) : undefined) ?? (await this.embedder.embed(texts));
      if (start === 0) onEncoded?.();
      lastChunks = this.index.upsert(batch.map((chunk, i) => ({ ...chunk, vector: vectors[i]! })));
      if (start + EMBED_BATCH < plan.chunks.length) await lastChunks;
    }
    // The documents' lexical rows go to another table: written beside the last chunks, not after them.
    await settleAll([lastChunks, this.index.upsertDocuments(documentRecords(plan))]);
    ingestionChunksIndexed.inc({ source: 'documents' }, plan.chunks.length);
    await this.documents.upsert(documentRows(plan));
    return indexedContext(plan);
  }

  /**
   * Indexes several add commands with one encoder call for the vectors not made ahead, one write per
   * index table and one for the document rows: per-write costs paid once for all of them. The caller
   * keeps their chunks within EMBED_BATCH, their documents and file names apart, and has checked the
   * file names (`takenFileNames`). Safe to run again, like indexContext. `onEncoded` runs once the
   * vectors are made, before they are written.
   */
  async indexTogether(plans: readonly PlannedCommand[], onEncoded?: () => void): Promise<IndexedContext[]> {
    const vectors = await this.vectorsOf(plans);
    onEncoded?.();
    const chunks = plans.flatMap((plan) => plan.chunks).map((chunk, i) => ({ ...chunk, vector: vectors[i]! }));
    await settleAll([this.index.upsert(chunks), this.index.upsertDocuments(plans.flatMap(documentRecords))]);
    ingestionChunksIndexed.inc({ source: 'documents' }, chunks.length);
    await this.documents.upsert(plans.flatMap(documentRows));
    return plans.map(indexedContext);
  }

  /** Per plan, the file names its tenant already holds under another context (one query for all). */
  takenFileNames(plans: readonly PlannedCommand[]): Promise<string[][]> {
    return this.documents.takenFileNamesOfEach(
      plans.map((plan) => ({ tenant: plan.tenant, fileNames: fileNamesOf(plan), exceptContextId: plan.command.contextId })),
    );
  }

  /** Each plan's vectors as made ahead, if they were; the rest in one encoder call. */
  private async vectorsOf(plans: readonly PlannedCommand[]) {
    const ahead = await Promise.all(plans.map((plan) => this.prefetch.take(plan.command.jobId, plan.chunks.map((chunk) => chunk.text))));
    const missing = plans.flatMap((plan, i) => (ahead[i] ? [] : plan.chunks.map((chunk) => chunk.text)));
    const encoded = missing.length > 0 ? await this.embedder.embed(missing) : [];
    let next = 0;
    return plans.flatMap((plan, i) => ahead[i] ?? plan.chunks.map(() => encoded[next++]!));
  }
}

export function fileNamesOf(plan: PlannedCommand): string[] {
  return [...new Set(plan.documents.map((d) => d.fileName).filter((n): n is string => n !== null))];
}

export function duplicateFiles(taken: string[]): DomainError {
  return new DomainError(ErrorCode.DuplicateFile, `fileName already exists for this tenant: ${taken.join(', ')} (delete it first)`, { fileNames: taken });
}

function indexedContext(plan: PlannedCommand): IndexedContext {
  const counts = chunkCounts(plan);
  const { command } = plan;
  return {
    contextId: command.contextId,
    source: command.source,
    documents: plan.documents.map((doc) => ({ documentId: doc.id, fileName: doc.fileName, chunkCount: counts.get(doc.id) ?? 0 })),
  };
}
