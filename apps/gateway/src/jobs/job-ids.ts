import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { tenantIdentity, type Tenant } from '@recollect/contracts';

/**
 * Job ids carry a signature over the tenant, so the status route can tell a job this service issued
 * but has not consumed yet (waiting) from an id it never issued or that belongs to someone else (404).
 */
export class JobIds {
  private readonly pattern: RegExp;

  /** `prefix` names the kind of id (`job`, `op`); give each kind its own secret so one kind never verifies as another. */
  constructor(
    private readonly secret: string,
    private readonly prefix = 'job',
  ) {
    this.pattern = new RegExp(`^${prefix}-([0-9a-f]{32})-([0-9a-f]{16})$`);
  }

  issue(tenant: Tenant): string {
    const id = randomUUID().replace(/-/g, '');
    return `${this.prefix}-${id}-${this.sign(id, tenant)}`;
  }

  isIssuedTo(jobId: string, tenant: Tenant): boolean {
    const match = this.pattern.exec(jobId);
    if (!match) return false;
    const expected = Buffer.from(this.sign(match[1]!, tenant));
    const given = Buffer.from(match[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  // Over the tenant's identity, which no two tenants share (its bus key can be).
  private sign(id: string, tenant: Tenant): string {
    return createHmac('sha256', this.secret).update(`${id}\u0000${tenantIdentity(tenant)}`).digest('hex').slice(0, 16);
  }
}
