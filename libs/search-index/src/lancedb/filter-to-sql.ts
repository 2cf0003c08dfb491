import type { ChunkFilter } from '../search-index.port';
import { toIsoUtc } from '../iso-utc';
import { sqlInList, sqlString, sqlStringArray } from './sql';
import { tenantId } from './tenant-id';

/**
 * Turns a ChunkFilter into a LanceDB `where` predicate. The tenant clause is always present, so no
 * query built here can cross tenants (the one exception, below, is for reads that check each row's
 * tenant themselves). Every client value goes through `sqlString`.
 */
export function filterToSql(filter: ChunkFilter): string {
  return joined([`tenant_id = ${sqlString(tenantId(filter.tenant))}`, ...clausesBesideTenant(filter)]);
}

/**
 * The same predicate without its tenant clause, for reads by document id only (see own-rows.ts): the
 * caller must keep only the rows whose tenant_id is the tenant's.
 */
export function filterToSqlBesideTenant(filter: ChunkFilter & { documentIds: readonly string[] }): string {
  return joined(clausesBesideTenant(filter));
}

const joined = (clauses: string[]): string => clauses.map((clause) => `(${clause})`).join(' AND ');

function clausesBesideTenant(filter: ChunkFilter): string[] {
  const clauses: string[] = [];
  if (filter.documentIds !== undefined) {
    // An explicit empty list selects nothing; treating it as "no filter" would let deleteWhere wipe a tenant.
    clauses.push(filter.documentIds.length === 0 ? 'FALSE' : `document_id IN ${sqlInList(filter.documentIds)}`);
  }
  if (filter.fileName !== undefined) clauses.push(`file_name = ${sqlString(filter.fileName)}`);
  if (filter.fileType !== undefined) clauses.push(`file_type = ${sqlString(filter.fileType)}`);
  if (filter.groupName !== undefined && filter.groupName.length > 0) {
    clauses.push(`array_has_all(group_name, ${sqlStringArray(filter.groupName)})`);
  }
  if (filter.source !== undefined) clauses.push(`source = ${sqlString(filter.source)}`);
  if (filter.contextType !== undefined) clauses.push(`context_type = ${sqlString(filter.contextType)}`);
  if (filter.scope !== undefined) clauses.push(`scope = ${sqlString(filter.scope)}`);
  if (filter.lastModifiedFrom !== undefined) {
    clauses.push(`last_modified >= ${sqlString(toIsoUtc(filter.lastModifiedFrom, 'lastModifiedFrom'))}`);
  }
  if (filter.lastModifiedTo !== undefined) {
    clauses.push(`last_modified <= ${sqlString(toIsoUtc(filter.lastModifiedTo, 'lastModifiedTo'))}`);
  }
  return clauses;
}
