import { IsNull, type FindOperator } from 'typeorm';
import type { Tenant } from '@recollect/contracts';

/** TypeORM `where` for a tenant; a null organization matches only rows without one. */
export const tenantWhere = (tenant: Tenant): { userId: string; organizationId: string | FindOperator<string> } => ({
  userId: tenant.userId,
  organizationId: tenant.organizationId ?? IsNull(),
});

export const belongsTo = (row: { userId: string; organizationId: string | null }, tenant: Tenant): boolean =>
  row.userId === tenant.userId && row.organizationId === tenant.organizationId;
