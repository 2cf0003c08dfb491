import { randomUUID } from 'node:crypto';

/** Body for add / add-async with sensible defaults; override what the test is about. */
export function addContextBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    documents: [{ content: 'Customer asked about pricing for the Scale plan.' }],
    source: `source-${randomUUID().slice(0, 8)}`,
    context_type: 'resource',
    scope: 'internal',
    metadata: { fileName: `file-${randomUUID().slice(0, 8)}.txt`, fileType: 'text/plain', groupName: ['support'] },
    ...overrides,
  };
}

export function searchBody(query: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { query, similarity_threshold: 1, minimum_similarity_threshold: 0, ...overrides };
}
