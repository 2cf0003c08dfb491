import { z } from 'zod';

export const tenantSchema = z.object({
  userId: z.string().min(1),
  organizationId: z.string().min(1).nullable(),
});
export type Tenant = z.infer<typeof tenantSchema>;

/**
 * The bus key that keeps one tenant's commands in order. Not unique: ids containing `/`, or an
 * organization named `-`, can give two tenants the same key, which only puts them on one partition.
 * Anything that tells tenants apart uses tenantIdentity.
 */
export const tenantKey = (tenant: Tenant): string => `${tenant.organizationId ?? '-'}/${tenant.userId}`;

/** The bus key that keeps one memory session's commands and changes in order. */
export const sessionKey = (tenant: Tenant, sessionId: string): string => `${tenantKey(tenant)}/${sessionId}`;

/** One tenant as one exact string (no two tenants share it), for keying what the process holds per tenant. */
export const tenantIdentity = (tenant: Tenant): string => JSON.stringify([tenant.organizationId ?? null, tenant.userId]);
