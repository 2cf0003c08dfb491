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
  const rows = (await chunks.query().where('chunk_index = 0 AND file_type IS NOT NULL').select(['tenant_id', 'document_id', 'file_type']).toArray()) as Array<Record<string, unknown>>;
  for (const [[tenant, type], documentIds] of groupedByTenantAndType(rows)) {
    for (let start = 0; start < documentIds.length; start += PAGE) {
      const where = `tenant_id = ${sqlString(tenant)} AND document_id IN ${sqlInList(documentIds.slice(start, start + PAGE))}`;
      await documents.update({ where, valuesSql: { file_type: sqlString(type) } });
    }
  }
  await rm(marker, { force: true });
}

/** Document ids by tenant and type. A value holding a NUL is left out: no SQL literal carries one, and no filter can name it. */
function groupedByTenantAndType(rows: Array<Record<string, unknown>>): Map<[string, string], string[]> {
  const groups = new Map<string, { key: [string, string]; ids: string[] }>();
  for (const row of rows) {
    const [tenant, type, documentId] = [String(row.tenant_id), String(row.file_type), String(row.document_id)];
    if (`${tenant}${type}${documentId}`.includes('\u0000')) continue;
    const name = JSON.stringify([tenant, type]);
    const group = groups.get(name) ?? { key: [tenant, type], ids: [] };
    group.ids.push(documentId);
    groups.set(name, group);
  }
  return new Map([...groups.values()].map(({ key, ids }) => [key, ids]));
}
