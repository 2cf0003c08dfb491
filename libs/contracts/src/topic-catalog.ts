import type { z } from 'zod';
import { contextCommandSchema } from './events/context-commands';
import { contextDeletedEventSchema, contextIndexedEventSchema } from './events/context-indexed';
import { jobUpdatedEventSchema } from './events/context-job-updated';
import { memoryChangeSchema } from './events/memory-changes';
import { memoryCommandSchema } from './events/memory-commands';
import { memoryIndexedEventSchema } from './events/memory-indexed';
import { Topics } from './topics';

/** What other teams may rely on for each topic: its key, its payload schema and what it means. The AsyncAPI document is generated from this. */
export interface TopicEntry {
  topic: string;
  key: string;
  description: string;
  schema: z.ZodType;
}

export const topicCatalog: TopicEntry[] = [
  {
    topic: Topics.contextCommands,
    key: 'tenant key `<organizationId or ->/<userId>`: one tenant’s adds and deletes apply in order',
    description: 'Add and delete commands (`type` context.add.requested.v1 or context.delete.requested.v1), consumed by ingestion.',
    schema: contextCommandSchema,
  },
  {
    topic: Topics.contextJobUpdated,
    key: 'tenant key',
    description: 'Every job state change: waiting, active, completed, failed, cancelled.',
    schema: jobUpdatedEventSchema,
  },
  {
    topic: Topics.contextIndexed,
    key: 'tenant key',
    description: 'Documents of one add call are chunked, embedded and searchable.',
    schema: contextIndexedEventSchema,
  },
  {
    topic: Topics.contextDeleted,
    key: 'tenant key',
    description: 'Documents are gone from search.',
    schema: contextDeletedEventSchema,
  },
  {
    topic: Topics.memoryCommands,
    key: 'session key `<organizationId or ->/<userId>/<sessionId>`: one session’s adds, updates and deletes apply in order',
    description:
      'Memory commands (`type` memory.add.requested.v1, memory.update.requested.v1 or memory.delete.requested.v1), consumed by the memory service. Inline media travel here in full.',
    schema: memoryCommandSchema,
  },
  {
    topic: Topics.memoryChanges,
    key: 'session key',
    description:
      'What the memory service stored (`type` memory.messages.upserted.v1: messages with their text, metadata and media by reference, each with up to 2,000 characters of the messages beside it) or removed (`type` memory.deleted.v1: a whole session; a session with more message ids than one message holds goes in several, each for the whole session, together listing every id). Published from an outbox in the order stored, each with an `x-change-sequence` header that grows in that order within a session: a late copy of a change (a retried publish that landed after a later one, a dead letter replayed) tells itself apart from later ones. Ingestion indexes, re-indexes and un-indexes from it, applying a late change only to the messages no later change wrote, and not at all to a session deleted after it.',
    schema: memoryChangeSchema,
  },
  {
    topic: Topics.memoryIndexed,
    key: 'session key',
    description:
      'One memory change is applied to the search index (or, with `failure`, was given up on); the first for an operation completes it (or fails it). A deletion in several parts has one for each.',
    schema: memoryIndexedEventSchema,
  },
];
