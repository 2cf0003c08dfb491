import type { z } from 'zod';
import { contextCommandSchema } from './events/context-commands';
import { contextDeletedEventSchema, contextIndexedEventSchema } from './events/context-indexed';
import { jobUpdatedEventSchema } from './events/context-job-updated';
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
];
