import { describe, expect, it } from 'vitest';
import { tenantIdentity, tenantKey, type Tenant } from './tenant';

describe(tenantIdentity.name, () => {
  it('tells apart tenants that share a bus key', () => {
    const pairs: Array<[Tenant, Tenant]> = [
      [{ userId: 'x', organizationId: null }, { userId: 'x', organizationId: '-' }],
      [{ userId: 'b/c', organizationId: 'a' }, { userId: 'c', organizationId: 'a/b' }],
    ];
    for (const [one, other] of pairs) {
      expect(tenantKey(one)).toBe(tenantKey(other));
      expect(tenantIdentity(one)).not.toBe(tenantIdentity(other));
    }
  });

  it('is the same for the same tenant, however its missing organization is written', () => {
    expect(tenantIdentity({ userId: 'x', organizationId: null })).toBe(tenantIdentity({ userId: 'x', organizationId: undefined as unknown as null }));
    expect(tenantIdentity({ userId: 'x', organizationId: 'o' })).toBe(tenantIdentity({ userId: 'x', organizationId: 'o' }));
  });
});
