import { tenantForRequest, type Identity } from '@recollect/auth';
import { DomainError, ErrorCode, type Tenant } from '@recollect/contracts';

const MEMIND_FIELD: Record<string, string> = { user_id: 'userId', organization_id: 'organizationId' };

/**
 * With a token, `userId` (and the `organizationId` extension) must agree with it, as `user_id` does on
 * the Alchemyst routes (403 otherwise, unless admin). Without one (MEMIND_AUTH=none), they name the tenant.
 */
export function memindTenant(identity: Identity | undefined, claimed: { userId?: string; organizationId?: string | null }): Tenant {
  if (!identity) {
    if (!claimed.userId) {
      const message = 'is required: Memind auth is off, so userId names whose memory this is';
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid request: userId: ${message}`, { issues: [{ field: 'userId', rule: 'required', message }] });
    }
    return { userId: claimed.userId, organizationId: claimed.organizationId ?? null };
  }
  try {
    return tenantForRequest(identity, { user_id: claimed.userId, organization_id: claimed.organizationId });
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== ErrorCode.Forbidden) throw error;
    const field = MEMIND_FIELD[(error.details as { field?: string } | undefined)?.field ?? ''] ?? 'userId';
    throw new DomainError(ErrorCode.Forbidden, `${field} must match the token (an admin scope is needed to act for another tenant)`, { field });
  }
}
