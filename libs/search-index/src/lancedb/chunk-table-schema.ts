import { DataType, Field, FixedSizeList, Float32, Float64, Int32, List, Schema, Utf8 } from 'apache-arrow';
import type { Tenant } from '@recollect/contracts';
import type { ChunkRecord, IndexIdentity } from '../search-index.port';
import { chunkFromPayload } from './chunk-payload';

/** Schema metadata keys: the identity is stored with the table itself, so it can never drift from the data. */
const MODEL_ID_KEY = 'recollect.model_id';
const DIMENSION_KEY = 'recollect.dimension';

export type StoredChunk = Omit<ChunkRecord, 'vector'>;

const text = (name: string, nullable = false): Field => new Field(name, new Utf8(), nullable);

export function chunkTableSchema(identity: IndexIdentity): Schema {
  return new Schema(
    [
      text('id'),
      text('user_id'),
      // Nullable works in LanceDB: `IS NULL` filters it, so no sentinel value is needed.
      text('organization_id', true),
      text('tenant_key'),
      text('document_id'),
      new Field('chunk_index', new Int32(), false),
      text('text'),
      new Field('vector', new FixedSizeList(identity.dimension, new Field('item', new Float32(), true)), false),
      text('source'),
      text('context_type'),
      text('scope'),
      text('file_name', true),
      text('file_type', true),
      // A real list, not a delimited string: `array_has_all` matches whole values exactly, with no
      // delimiter or LIKE-wildcard escaping to get wrong.
      new Field('group_name', new List(new Field('item', new Utf8(), true)), false),
      // ISO 8601 UTC strings (normalised on write) compare correctly as text, which keeps filters plain SQL.
      text('last_modified', true),
      // Float64 keeps sizes plain JS numbers (Int64 would come back as bigint); exact up to 2^53 bytes.
      new Field('file_size', new Float64(), true),
      text('metadata'),
      text('created_at'),
      text('updated_at'),
      // Last, and nullable: where tables written before them get them (added and filled at open).
      text('tenant_id', true),
      text('payload', true),
    ],
    new Map([
      [MODEL_ID_KEY, identity.modelId],
      [DIMENSION_KEY, String(identity.dimension)],
    ]),
  );
}

/** The identity a table was created with; the dimension comes from the vector column itself. */
export function storedIdentity(schema: Schema): { modelId: string | null; dimension: number | null } {
  const vector = schema.fields.find((field) => field.name === 'vector');
  // Type guards, not instanceof: LanceDB may hand back classes from the other (CJS/ESM) copy of apache-arrow.
  const dimension = vector && DataType.isFixedSizeList(vector.type) ? vector.type.listSize : Number(schema.metadata.get(DIMENSION_KEY));
  return {
    modelId: schema.metadata.get(MODEL_ID_KEY) ?? null,
    dimension: Number.isInteger(dimension) ? dimension : null,
  };
}

/**
 * The columns a read returns (see chunk-payload.ts). Not the vector: it is large and never leaves the
 * index. Not the tenant's: every read is confined to one tenant, which the caller names.
 */
export const CHUNK_READ_COLUMNS = ['text', 'payload'];

/** Reads a result row of the tenant's back into the port's shape. */
export const rowToChunk = (row: Record<string, unknown>, tenant: Tenant): StoredChunk => chunkFromPayload(row.text, row.payload, tenant);

export const optionalString = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
export const optionalNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toStringArray(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return Array.from(value as Iterable<unknown>, (item) => String(item));
}
