import { Field, List, makeData, RecordBatch, Schema, Struct, Table, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { tenantKey } from '@recollect/contracts';
import type { DocumentRecord } from '../search-index.port';
import { optionalIsoUtc, toIsoUtc } from '../iso-utc';
import { tenantId } from './tenant-id';

const text = (name: string, nullable = false): Field => new Field(name, new Utf8(), nullable);

/**
 * One row per document for document-level BM25, beside the chunk table. Filter columns carry the
 * same names as the chunk table's, so `filterToSql` serves both. `title` is '' when there is none
 * (an empty field matches nothing), which keeps the FTS column free of nulls.
 */
export const documentTableSchema = new Schema([
  text('id'),
  text('user_id'),
  text('organization_id', true),
  text('tenant_key'),
  text('document_id'),
  text('source'),
  text('context_type'),
  text('scope'),
  text('file_name', true),
  new Field('group_name', new List(new Field('item', new Utf8(), true)), false),
  text('last_modified', true),
  text('title'),
  text('text'),
  text('created_at'),
  text('updated_at'),
  // As in the chunk table: last and nullable, so tables written before them can be given them.
  text('tenant_id', true),
  text('file_type', true),
]);

/** The merge key: documents are unique per tenant. */
export const documentRowId = (record: Pick<DocumentRecord, 'tenant' | 'documentId'>): string => `${tenantKey(record.tenant)}\u0000${record.documentId}`;

export function documentsToArrowTable(documents: readonly DocumentRecord[]): Table {
  const columns: Record<string, unknown[]> = {
    id: documents.map(documentRowId),
    user_id: documents.map((d) => d.tenant.userId),
    organization_id: documents.map((d) => d.tenant.organizationId ?? null),
    tenant_key: documents.map((d) => tenantKey(d.tenant)),
    document_id: documents.map((d) => d.documentId),
    source: documents.map((d) => d.source),
    context_type: documents.map((d) => d.contextType),
    scope: documents.map((d) => d.scope),
    file_name: documents.map((d) => d.fileName),
    group_name: documents.map((d) => [...d.groupName]),
    last_modified: documents.map((d) => optionalIsoUtc(d.lastModified, `lastModified of document ${d.documentId}`)),
    title: documents.map((d) => d.title ?? ''),
    text: documents.map((d) => d.text),
    created_at: documents.map((d) => toIsoUtc(d.createdAt, `createdAt of document ${d.documentId}`)),
    updated_at: documents.map((d) => toIsoUtc(d.updatedAt, `updatedAt of document ${d.documentId}`)),
    tenant_id: documents.map((d) => tenantId(d.tenant)),
    file_type: documents.map((d) => d.fileType),
  };
  // Built against the table's own schema (as chunk-batch does), so field nullability matches what merge-insert expects.
  const children = documentTableSchema.fields.map((field) => vectorFromArray(columns[field.name]!, field.type).data[0] as Data);
  const struct = makeData({ type: new Struct(documentTableSchema.fields), length: documents.length, nullCount: 0, children });
  return new Table([new RecordBatch(documentTableSchema, struct)]);
}
