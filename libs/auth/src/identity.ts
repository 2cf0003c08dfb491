import { DomainError, ErrorCode, unstorableTextReason, type Tenant } from '@recollect/contracts';

/** Who is calling, as the verified token says. */
export interface Identity {
  tenant: Tenant;
  isAdmin: boolean;
  subject: string;
}

export interface ClaimSettings {
  orgClaim: string;
  adminScope: string;
}

/**
 * The tenant's ids are stored and published with everything it writes: a claim PostgreSQL cannot
 * store would let the token read but fail every write as if the bus were down.
 */
function assertStorableClaim(name: string, value: string): void {
  const reason = unstorableTextReason(value);
  if (reason) throw new DomainError(ErrorCode.Unauthenticated, `Token claim ${name} ${reason}`);
}

export function identityFromClaims(claims: Record<string, unknown>, settings: ClaimSettings): Identity {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new DomainError(ErrorCode.Unauthenticated, 'Token has no subject (sub claim)');
  assertStorableClaim('sub', sub);
  const orgClaim = [settings.orgClaim, 'organization_id', 'org_id'].find((name) => claims[name] !== undefined && claims[name] !== null);
  const org = orgClaim === undefined ? undefined : claims[orgClaim];
  if (typeof org === 'string') assertStorableClaim(orgClaim!, org);
  const scopes = [
    ...(typeof claims.scope === 'string' ? claims.scope.split(' ') : []),
    ...(Array.isArray(claims.scp) ? claims.scp.filter((s): s is string => typeof s === 'string') : []),
  ];
  return {
    subject: sub,
    tenant: { userId: sub, organizationId: typeof org === 'string' && org.length > 0 ? org : null },
    isAdmin: scopes.includes(settings.adminScope),
  };
}

/**
 * Body fields `user_id` / `organization_id` are accepted for compatibility but must agree with the
 * token; an admin token may act for another tenant.
 */
export function tenantForRequest(identity: Identity, body: { user_id?: string | null; organization_id?: string | null }): Tenant {
  const userId = body.user_id ?? undefined;
  const organizationId = body.organization_id ?? undefined;
  const mismatch =
    (userId !== undefined && userId !== identity.tenant.userId) ||
    (organizationId !== undefined && organizationId !== identity.tenant.organizationId);
  if (!mismatch) return identity.tenant;
  if (!identity.isAdmin) {
    throw new DomainError(ErrorCode.Forbidden, 'user_id and organization_id must match the token (an admin scope is needed to act for another tenant)', {
      field: userId !== undefined && userId !== identity.tenant.userId ? 'user_id' : 'organization_id',
    });
  }
  return { userId: userId ?? identity.tenant.userId, organizationId: organizationId ?? identity.tenant.organizationId };
}
