import { randomUUID } from 'node:crypto';
import type { MessagesUpserted, StoredMessage } from '@recollect/contracts';

/** A message as the memory service publishes it; override what the test is about. */
export function storedMessage(overrides: Partial<StoredMessage> = {}): StoredMessage {
  const at = '2025-01-10T12:34:56.000Z';
  return {
    id: `msg-${randomUUID().slice(0, 8)}`,
    position: 0,
    role: 'user',
    authorName: null,
    occurredAt: at,
    createdAt: at,
    updatedAt: at,
    metadata: {},
    text: 'Customer asked about pricing for the Scale plan.',
    media: [],
    replaced: false,
    previous: null,
    next: null,
    ...overrides,
  };
}

export function messagesUpserted(messages: StoredMessage[], overrides: Partial<MessagesUpserted> = {}): MessagesUpserted {
  return { operationId: `op-${randomUUID().slice(0, 8)}`, sessionId: `session-${randomUUID().slice(0, 8)}`, agentId: null, messages, ...overrides };
}

/** Body of POST /api/v1/context/memory/add or /update (seed 002 shape). */
export function memoryBody(sessionId: string, contents: Array<Record<string, unknown>>): Record<string, unknown> {
  return { sessionId, contents };
}

/** Body of POST /open/v1/memory/{sync,async}/add-message with one text block. */
export function addMessageBody(
  userId: string,
  text: string,
  overrides: Record<string, unknown> = {},
  message: Record<string, unknown> = {},
): Record<string, unknown> {
  return { userId, agentId: 'agent-1', message: { role: 'USER', content: [{ type: 'text', text }], ...message }, ...overrides };
}
