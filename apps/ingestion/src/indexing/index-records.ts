import type { AddContextCommand, Tenant } from '@recollect/contracts';
import type { ChunkRecord, DocumentRecord } from '@recollect/search-index';
import { chunkId } from '../chunking/chunk-id';
import { documentTitle } from '../chunking/document-title';
import { chunkText, chunkTextInSlices, firstChunkTexts as firstChunkTextsOf, type Chunk } from '../chunking/sentence-chunker';
import { TimeSlices } from '../chunking/time-slices';
import { DocumentEntity } from '../documents/document.entity';
import type { ChunkingOptions } from '../ingestion.tokens';
import { planDocuments, type PlannedDocument } from './document-plan';

/** An add command cut into what gets written: its documents and their chunks, still without vectors. */
export interface PlannedCommand {
  tenant: Tenant;
  command: AddContextCommand;
  documents: PlannedDocument[];
  chunks: Array<Omit<ChunkRecord, 'vector'>>;
  /** When it was planned: the created and updated time of everything it writes. */
  now: string;
}

export function planCommand(tenant: Tenant, command: AddContextCommand, chunking: ChunkingOptions): PlannedCommand {
  const documents = planDocuments(command);
  const now = new Date().toISOString();
  const chunks = documents.flatMap((doc) => {
    const pieces = chunkText(doc.content, chunking);
    return pieces.map((piece) => chunkRecord(tenant, command, doc, piece, pieces.length, now));
  });
  return { tenant, command, documents, chunks, now };
}

/** The plan of planCommand, giving the event loop a turn whenever it has run for a time slice (see TimeSlices). */
export async function planCommandInSlices(tenant: Tenant, command: AddContextCommand, chunking: ChunkingOptions, slices = new TimeSlices()): Promise<PlannedCommand> {
  const documents = planDocuments(command);
  const now = new Date().toISOString();
  const chunks: Array<Omit<ChunkRecord, 'vector'>> = [];
  for (const doc of documents) {
    const pieces = await chunkTextInSlices(doc.content, chunking, slices);
    for (const piece of pieces) {
      chunks.push(chunkRecord(tenant, command, doc, piece, pieces.length, now));
      await slices.pauseIfDue();
    }
  }
  return { tenant, command, documents, chunks, now };
}

/** The texts of the command's first `count` chunks, as planCommand cuts them, without cutting the rest. */
export function firstChunkTexts(command: AddContextCommand, chunking: ChunkingOptions, count: number): string[] {
  const texts: string[] = [];
  for (const doc of command.documents) {
    if (texts.length === count) break;
    texts.push(...firstChunkTextsOf(doc.content, chunking, count - texts.length));
  }
  return texts;
}

/** All of a command's text: what planning it costs grows with. */
export function contentLength(command: AddContextCommand): number {
  return command.documents.reduce((sum, doc) => sum + doc.content.length, 0);
}

/** Chunks per document id. */
export function chunkCounts(plan: PlannedCommand): Map<string, number> {
  const counts = new Map<string, number>();
  for (const chunk of plan.chunks) counts.set(chunk.documentId, (counts.get(chunk.documentId) ?? 0) + 1);
  return counts;
}

function chunkRecord(tenant: Tenant, command: AddContextCommand, doc: PlannedDocument, piece: Chunk, chunkCount: number, now: string): Omit<ChunkRecord, 'vector'> {
  return {
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
      chunk_count: chunkCount,
      parent_context_nodes: doc.parentIds,
      children_context_nodes: doc.childIds,
    },
    createdAt: now,
    updatedAt: now,
  };
}

/** The whole documents for document-level BM25, with the same filter fields as their chunks. */
export function documentRecords(plan: PlannedCommand): DocumentRecord[] {
  const { tenant, command, now } = plan;
  return plan.documents.map((doc) => ({
    tenant,
    documentId: doc.id,
    source: command.source,
    contextType: command.contextType,
    scope: command.scope,
    fileName: doc.fileName,
    fileType: doc.fileType,
    groupName: doc.groupName,
    lastModified: doc.lastModified,
    createdAt: now,
    updatedAt: now,
    title: documentTitle(doc.content, doc.metadata),
    text: doc.content,
  }));
}

/** The documents' rows in PostgreSQL: what listing, file-name checks and deletes read. */
export function documentRows(plan: PlannedCommand): DocumentEntity[] {
  const { tenant, command } = plan;
  const counts = chunkCounts(plan);
  return plan.documents.map((doc) =>
    Object.assign(new DocumentEntity(), {
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
      chunkCount: counts.get(doc.id) ?? 0,
      contentBytes: Buffer.byteLength(doc.content),
      metadata: doc.metadata,
    }),
  );
}
