import { beforeEach, expect, it } from 'vitest';
import type { ChunkFilter, ChunkRecord } from '../../search-index.port';
import type { ContractContext } from '../search-index.contract';
import { documentIdsOf, documentRecordOf, makeDocument, TENANT_A, TENANT_D, unitVector } from '../contract-fixtures';

type DocumentFields = Partial<ChunkRecord> & { documentId: string };

/** Near-misses on purpose: a prefix, a case change or a longer group name must never match. */
const DOCUMENTS: DocumentFields[] = [
  {
    documentId: 'd1',
    fileName: 'report.pdf',
    fileType: 'application/pdf',
    groupName: ['finance', 'q1'],
    source: 'api',
    contextType: 'resource',
    scope: 'internal',
    lastModified: '2024-01-01T00:00:00.000Z',
  },
  {
    documentId: 'd2',
    fileName: 'notes.txt',
    fileType: 'text/plain',
    groupName: ['finance'],
    source: 'upload',
    contextType: 'conversation',
    scope: 'external',
    lastModified: '2024-02-01T00:00:00.000Z',
  },
  {
    documentId: 'd3',
    fileName: "o'brien.txt",
    fileType: 'text/plain; charset=utf-8',
    groupName: ['q1', 'legal'],
    source: 'api',
    contextType: 'instruction',
    scope: 'internal',
    lastModified: '2024-03-01T00:00:00.000Z',
  },
  { documentId: 'd4', fileName: null, fileType: null, groupName: [], source: 'api', contextType: 'resource', scope: 'internal', lastModified: null },
  {
    documentId: 'd5',
    fileName: 'report.pdf.bak',
    fileType: 'Application/PDF',
    groupName: ['finance-archive', 'Q1'],
    source: 'api-v2',
    contextType: 'Resource',
    scope: 'internal-only',
    lastModified: '2023-06-01T00:00:00.000Z',
  },
];
const ALL = ['d1', 'd2', 'd3', 'd4', 'd5'];

type Case = [description: string, filter: Omit<ChunkFilter, 'tenant'>, expected: string[]];

const CASES: Case[] = [
  ['no filter', {}, ALL],
  ['fileName exact', { fileName: 'report.pdf' }, ['d1']],
  ['fileName with a quote', { fileName: "o'brien.txt" }, ['d3']],
  ['fileName injection attempt', { fileName: "x' OR '1'='1" }, []],
  ['fileName injection with a real name', { fileName: "report.pdf' OR file_name IS NOT NULL OR '" }, []],
  ['fileType exact (case-sensitive)', { fileType: 'application/pdf' }, ['d1']],
  ['fileType whole value, not a prefix', { fileType: 'text/plain' }, ['d2']],
  ['fileType injection attempt', { fileType: "x' OR '1'='1" }, []],
  ['one group', { groupName: ['finance'] }, ['d1', 'd2']],
  ['every listed group (AND)', { groupName: ['finance', 'q1'] }, ['d1']],
  ['groups order does not matter', { groupName: ['q1', 'finance'] }, ['d1']],
  ['another single group', { groupName: ['q1'] }, ['d1', 'd3']],
  ['groups no document has together', { groupName: ['finance', 'legal'] }, []],
  ['empty group list', { groupName: [] }, ALL],
  ['group injection attempt', { groupName: ["finance') OR TRUE OR ('"] }, []],
  ['source exact', { source: 'api' }, ['d1', 'd3', 'd4']],
  ['source longer value', { source: 'api-v2' }, ['d5']],
  ['contextType exact (case-sensitive)', { contextType: 'resource' }, ['d1', 'd4']],
  ['scope exact', { scope: 'internal' }, ['d1', 'd3', 'd4']],
  ['scope injection attempt', { scope: "internal' OR scope <> '" }, []],
  ['lastModified from (inclusive)', { lastModifiedFrom: '2024-02-01T00:00:00.000Z' }, ['d2', 'd3']],
  ['lastModified to (inclusive)', { lastModifiedTo: '2024-02-01T00:00:00.000Z' }, ['d1', 'd2', 'd5']],
  ['lastModified single instant', { lastModifiedFrom: '2024-02-01T00:00:00.000Z', lastModifiedTo: '2024-02-01T00:00:00.000Z' }, ['d2']],
  ['lastModified range with offsets', { lastModifiedFrom: '2024-02-01T01:00:00+01:00', lastModifiedTo: '2024-02-29T23:59:59Z' }, ['d2']],
  ['documentIds', { documentIds: ['d1', 'd3'] }, ['d1', 'd3']],
  ['documentIds with an unknown id', { documentIds: ['d1', 'missing'] }, ['d1']],
  ['empty documentIds match nothing', { documentIds: [] }, []],
  ['documentIds injection attempt', { documentIds: ["d1' OR '1'='1"] }, []],
  ['filters combine with AND', { source: 'api', groupName: ['q1'] }, ['d1', 'd3']],
  [
    'many filters at once',
    { source: 'api', groupName: ['q1'], scope: 'internal', lastModifiedFrom: '2024-02-01T00:00:00.000Z', documentIds: ['d1', 'd3'] },
    ['d3'],
  ],
];

function seed(): ChunkRecord[][] {
  return [TENANT_A, TENANT_D].flatMap((tenant) =>
    DOCUMENTS.map((fields) => makeDocument({ ...fields, tenant, vector: unitVector(1), texts: [`Shared words from ${fields.documentId}.`, 'More shared words.'] })),
  );
}

export function filterCases(context: ContractContext): void {
  beforeEach(async () => {
    const documents = seed();
    await context.index().upsert(documents.flat());
    await context.index().upsertDocuments(documents.map((chunks) => documentRecordOf(chunks)));
  });

  it.each(CASES)('%s: every read applies it', async (_description, fields, expected) => {
    const index = context.index();
    const filter: ChunkFilter = { tenant: TENANT_A, ...fields };

    const vector = await index.vectorSearch(unitVector(1), filter, 100);
    const lexical = await index.lexicalSearch('shared words', filter, 100);
    const chunks = await index.listChunks(filter, { limit: 100, offset: 0 });
    const documents = await index.listDocuments(filter);
    const wholeDocuments = await index.lexicalSearchDocuments('shared words', filter, 100, { titleBoost: 0.5 });

    expect(documentIdsOf(vector.map((result) => result.chunk)), 'vectorSearch').toEqual(expected);
    expect(documentIdsOf(wholeDocuments), 'lexicalSearchDocuments').toEqual(expected);
    expect(documentIdsOf(lexical.map((result) => result.chunk)), 'lexicalSearch').toEqual(expected);
    expect(documentIdsOf(chunks), 'listChunks').toEqual(expected);
    expect(documents.map((document) => document.documentId).sort(), 'listDocuments').toEqual(expected);
    expect(chunks, 'two chunks per document').toHaveLength(expected.length * 2);
  });

  it.each(CASES)('%s: deleteWhere removes exactly the matching chunks', async (_description, fields, expected) => {
    const index = context.index();
    expect(await index.deleteWhere({ tenant: TENANT_A, ...fields })).toBe(expected.length * 2);

    const left = await index.listChunks({ tenant: TENANT_A }, { limit: 100, offset: 0 });
    expect(documentIdsOf(left)).toEqual(ALL.filter((id) => !expected.includes(id)));
    expect(documentIdsOf(await index.lexicalSearchDocuments('shared words', { tenant: TENANT_A }, 100)), 'document records').toEqual(ALL.filter((id) => !expected.includes(id)));
    expect(await index.lexicalSearchDocuments('shared words', { tenant: TENANT_D }, 100)).toHaveLength(ALL.length);
    expect(await index.listChunks({ tenant: TENANT_D }, { limit: 100, offset: 0 })).toHaveLength(ALL.length * 2);
  });
}
