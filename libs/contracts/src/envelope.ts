import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { tenantSchema, type Tenant } from './tenant';

/** The one envelope every event and command travels in. */
export const envelopeSchema = <P extends z.ZodType>(payload: P) =>
  z.object({
    id: z.string().min(1),
    type: z.string().min(1),
    version: z.number().int().positive(),
    occurredAt: z.iso.datetime(),
    tenant: tenantSchema,
    correlationId: z.string().min(1),
    payload,
  });

export interface Envelope<P> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  tenant: Tenant;
  correlationId: string;
  payload: P;
}

/** `id` is random unless given: an event announced again after a redelivery keeps the id it had. */
export function makeEnvelope<P>(type: string, tenant: Tenant, correlationId: string, payload: P, id: string = randomUUID()): Envelope<P> {
  const version = Number(/\.v(\d+)$/.exec(type)?.[1] ?? 1);
  return { id, type, version, occurredAt: new Date().toISOString(), tenant, correlationId, payload };
}
