import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { Table } from '@lancedb/lancedb';
import { sqlInList, sqlString } from './sql';

/** Documents named in one update. */
const PAGE = 500;

/**
 * Gives a documents table written before `file_type` existed that column, filled from each
 * document's first chunk (which carries the document's type), so a fileType filter selects a
 * document exactly when it selects its chunks. The marker file stands from before the column is
 * added until the fill is done: a run cut short in between is run again at the next open, and
 * the fill sets the same values twice without harm.
 */
export async function fillDocumentFileTypes(documents: Table, chunks: Table, marker: string): Promise<void> {
  const hasColumn = (await documents.schema()).fields.some((field) => field.name === 'file_type');
  if (hasColumn && !existsSync(marker)) return;
  await writeFile(marker, '');
  if (!hasColumn) await documents.addColumns([{ name: 'file_type', valueSql: 'CAST(NULL AS string)' }]);
  const typed = ((await chunks.query().where('chunk_index = 0 AND file_type IS NOT NULL').select(['tenant_id', 'document_id', 'file_type']).toArray()) as Array<Record<string, unknown>>)
    .map((row) => ({ tenant: String(row.tenant_id), documentId: String(row.document_id), type: String(row.file_type) }))
    // No SQL literal carries a NUL (see sqlString), and no filter can name a value holding one.
    .filter(({ tenant, documentId, type }) => !`${tenant}${documentId}${type}`.includes('\u0000'));
  // Lance's SQL has no CASE: one update per tenant and type, each naming at most PAGE documents.
  for (const { tenant, type, documentIds } of byTenantAndType(typed)) {
    for (let start = 0; start < documentIds.length; start += PAGE) {
      const where = `tenant_id = ${sqlString(tenant)} AND document_id IN ${sqlInList(documentIds.slice(start, start + PAGE))}`;
      await documents.update({ where, valuesSql: { file_type: sqlString(type) } });
    }
  }
  // Updated rows have left the text and title indices; fold them back in rather than scan them until the next maintenance.
  if (typed.length > 0) await documents.optimize();
  await rm(marker, { force: true });
}

function byTenantAndType(rows: ReadonlyArray<{ tenant: string; documentId: string; type: string }>): Array<{ tenant: string; type: string; documentIds: string[] }> {
  const groups = new Map<string, { tenant: string; type: string; documentIds: string[] }>();
  for (const { tenant, type, documentId } of rows) {
    const name = JSON.stringify([tenant, type]);
    const group = groups.get(name) ?? { tenant, type, documentIds: [] };
    group.documentIds.push(documentId);
    groups.set(name, group);
  }
  return [...groups.values()];
}
