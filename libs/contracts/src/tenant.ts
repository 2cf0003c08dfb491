import { z } from 'zod';

export const tenantSchema = z.object({
  userId: z.string().min(1),
  organizationId: z.string().min(1).nullable(),
});
export type Tenant = z.infer<typeof tenantSchema>;

/** The bus key that keeps one tenant's commands in order. */
export const tenantKey = (tenant: Tenant): string => `${tenant.organizationId ?? '-'}/${tenant.userId}`;

/** The bus key that keeps one memory session's commands and changes in order. */
export const sessionKey = (tenant: Tenant, sessionId: string): string => `${tenantKey(tenant)}/${sessionId}`;
