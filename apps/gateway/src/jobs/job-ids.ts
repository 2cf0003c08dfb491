import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { tenantKey, type Tenant } from '@recollect/contracts';

/**
 * Job ids carry a signature over the tenant, so the status route can tell a job this service issued
 * but has not consumed yet (waiting) from an id it never issued or that belongs to someone else (404).
 */
export class JobIds {
  constructor(private readonly secret: string) {}

  issue(tenant: Tenant): string {
    const id = randomUUID().replace(/-/g, '');
    return `job-${id}-${this.sign(id, tenant)}`;
  }

  isIssuedTo(jobId: string, tenant: Tenant): boolean {
    const match = /^job-([0-9a-f]{32})-([0-9a-f]{16})$/.exec(jobId);
    if (!match) return false;
    const expected = Buffer.from(this.sign(match[1]!, tenant));
    const given = Buffer.from(match[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(id: string, tenant: Tenant): string {
    return createHmac('sha256', this.secret).update(`${id}\u0000${tenantKey(tenant)}`).digest('hex').slice(0, 16);
  }
}
