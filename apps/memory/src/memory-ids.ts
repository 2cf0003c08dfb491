import { createHash } from 'node:crypto';
import type { Tenant } from '@recollect/contracts';

/** Length-prefixed SHA-256, so ["ab", "c"] and ["a", "bc"] differ; UUID-shaped to read like the other ids. */
function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex');
}

const uuidShaped = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** The row id of a tenant's session: the same session key always maps to the same row. */
export const sessionRowId = (tenant: Tenant, sessionId: string): string =>
  uuidShaped(digest(['session', tenant.userId, tenant.organizationId ?? '\u0000', sessionId]));

export const messageRowId = (sessionRow: string, messageId: string): string => uuidShaped(digest(['message', sessionRow, messageId]));

/** The id of a message the caller sent without one: fixed by the operation, so a redelivered command reuses it. */
export const derivedMessageId = (operationId: string, index: number): string => `msg-${digest(['derived', operationId, String(index)]).slice(0, 24)}`;
