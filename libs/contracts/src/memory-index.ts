/**
 * How memory messages appear in the search index, shared by the writer (ingestion) and the readers
 * (query, gateway filters): one document per message, `context_type` conversation, `source`
 * `memory:<sessionId>`, and tags in `groupName` for filters the index port has no column for.
 */
export const MEMORY_CONTEXT_TYPE = 'conversation';
export const MEMORY_TAG = 'memory';

export const MEMORY_SOURCE_PREFIX = 'memory:';
export const memorySource = (sessionId: string): string => `${MEMORY_SOURCE_PREFIX}${sessionId}`;
export const agentTag = (agentId: string): string => `agent:${agentId}`;
