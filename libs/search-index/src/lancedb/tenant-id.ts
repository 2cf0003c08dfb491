import type { Tenant } from '@recollect/contracts';

/**
 * The tenant as one exact value, which every query filters on: one B-tree lookup instead of one each
 * for the user and the organisation (measured at 100k rows of one tenant, alternating the two: 5.8
 * against 6.8 ms for a vector search, 4.7 against 5.8 for BM25 over documents). Injective: the user id
 * comes first with its length in code points, then `-` for no organisation, or `+` and the organisation id.
 */
export function tenantId({ userId, organizationId }: Tenant): string {
  return `${[...userId].length}:${userId}:${organizationId === null || organizationId === undefined ? '-' : `+${organizationId}`}`;
}

/** The same value as LanceDB computes it from a row's own columns: fills the column in tables written before it existed. */
export const TENANT_ID_SQL =
  "concat(CAST(character_length(user_id) AS VARCHAR), ':', user_id, ':', CASE WHEN organization_id IS NULL THEN '-' ELSE concat('+', organization_id) END)";
