import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tenant } from '@recollect/contracts';
import { tenantId } from './tenant-id';

// Ids built from the characters the encoding itself uses, so a careless encoding would collide.
const tricky = fc.string({ unit: fc.constantFrom(':', '+', '-', '1', '2', 'a', '😀') });
const tenant: fc.Arbitrary<Tenant> = fc.record({ userId: tricky, organizationId: fc.option(tricky, { nil: null }) });

describe(tenantId.name, () => {
  it('gives different tenants different values', () => {
    fc.assert(
      fc.property(tenant, tenant, (a, b) => {
        const same = a.userId === b.userId && a.organizationId === b.organizationId;
        expect(tenantId(a) === tenantId(b)).toBe(same);
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells no organisation from an empty one and from one named like the marker', () => {
    const ids = [null, '', '-', '+'].map((organizationId) => tenantId({ userId: 'u', organizationId }));
    expect(new Set(ids).size).toBe(4);
    expect(tenantId({ userId: 'a:1:b', organizationId: null })).not.toBe(tenantId({ userId: 'a', organizationId: '1:b' }));
  });
});
