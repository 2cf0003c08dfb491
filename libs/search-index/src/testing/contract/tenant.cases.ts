import type { Tenant } from '@recollect/contracts';
import { beforeEach, expect, it } from 'vitest';
import type { ChunkRecord } from '../../search-index.port';
import type { ContractContext } from '../search-index.contract';
import { makeDocument, TENANT_A, TENANT_B, TENANT_C, TENANT_D, unitVector } from '../contract-fixtures';

const TENANTS = [TENANT_A, TENANT_B, TENANT_C, TENANT_D];
/** Owns nothing; its id is an injection attempt that must stay a plain value. */
const HOSTILE_TENANT: Tenant = { userId: "user-1' OR '1'='1", organizationId: "org-1' OR organization_id IS NULL OR '" };
const SHARED_TEXT = 'Shared onboarding checklist for every new teammate.';

/** Every tenant holds the same document (same id, text and vectors) plus one of its own. */
function tenantData(tenant: Tenant, position: number): ChunkRecord[] {
  return [
    ...makeDocument({ tenant, documentId: 'shared', count: 2, texts: [SHARED_TEXT, SHARED_TEXT], vector: unitVector(1) }),
    ...makeDocument({ tenant, documentId: `own-${position}`, texts: [`Private onboarding notes ${position}.`] }),
  ];
}

async function expectOnly(context: ContractContext, tenant: Tenant, expectedChunks: number): Promise<void> {
  const index = context.index();
  const filter = { tenant };
  const confined = await index.confinedVectorSearch(Promise.resolve(unitVector(1)), { tenant, documentIds: ['shared', ...TENANTS.map((_, position) => `own-${position}`)] }, 100);
  const everything = [
    ...(await index.vectorSearch(unitVector(1), filter, 100)).map((result) => result.chunk),
    ...confined.map((result) => result.chunk),
    ...(await index.lexicalSearch('onboarding checklist', filter, 100)).map((result) => result.chunk),
    ...(await index.listChunks(filter, { limit: 100, offset: 0 })),
  ];
  for (const chunk of everything) expect(chunk.tenant).toEqual(tenant);
  expect(await index.listChunks(filter, { limit: 100, offset: 0 })).toHaveLength(expectedChunks);
  expect(await index.vectorSearch(unitVector(1), filter, 100)).toHaveLength(expectedChunks);
  expect(confined).toHaveLength(expectedChunks);
  const documents = await index.listDocuments(filter);
  expect(documents.reduce((sum, document) => sum + document.chunkCount, 0)).toBe(expectedChunks);
}

export function tenantCases(context: ContractContext): void {
  beforeEach(async () => {
    await context.index().upsert(TENANTS.flatMap(tenantData));
  });

  it('search and listings only ever return the asking tenant’s chunks', async () => {
    for (const tenant of TENANTS) await expectOnly(context, tenant, 3);
  });

  it('a null organisation matches only chunks without an organisation', async () => {
    const chunks = await context.index().listChunks({ tenant: TENANT_B }, { limit: 100, offset: 0 });
    expect(chunks.map((chunk) => chunk.tenant.organizationId)).toEqual([null, null, null]);
  });

  it('a tenant that owns nothing finds nothing, whatever its ids contain', async () => {
    const index = context.index();
    const filter = { tenant: HOSTILE_TENANT };
    expect(await index.vectorSearch(unitVector(1), filter, 100)).toEqual([]);
    expect(await index.lexicalSearch('onboarding', filter, 100)).toEqual([]);
    expect(await index.listChunks(filter, { limit: 100, offset: 0 })).toEqual([]);
    expect(await index.listDocuments(filter)).toEqual([]);
    expect(await index.deleteWhere(filter)).toBe(0);
    for (const tenant of TENANTS) await expectOnly(context, tenant, 3);
  });

  it('deleteWhere never touches another tenant', async () => {
    const index = context.index();
    expect(await index.deleteWhere({ tenant: TENANT_A })).toBe(3);
    expect(await index.deleteWhere({ tenant: TENANT_B, documentIds: ['shared'] })).toBe(2);

    await expectOnly(context, TENANT_A, 0);
    await expectOnly(context, TENANT_B, 1);
    await expectOnly(context, TENANT_C, 3);
    await expectOnly(context, TENANT_D, 3);
  });
}
