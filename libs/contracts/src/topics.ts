/**
 * Every topic on the bus. Versioned; a breaking payload change means a new `.vN` topic.
 * Add and delete commands share one topic so that, keyed by tenant, they apply in the order sent.
 */
export const Topics = {
  contextCommands: 'context.commands.v1',
  contextJobUpdated: 'context.job.updated.v1',
  contextIndexed: 'context.indexed.v1',
  contextDeleted: 'context.deleted.v1',
  /** Memory add, update and delete commands, keyed by session so one session's commands apply in order. */
  memoryCommands: 'memory.commands.v1',
  /** What changed in memory (messages upserted, a session deleted), keyed by session; ingestion indexes it. */
  memoryChanges: 'memory.changes.v1',
  /** Ingestion applied one memory change to the search index (or gave up on it). */
  memoryIndexed: 'memory.indexed.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Envelope `type`s carried on `context.commands.v1`. */
export const CommandTypes = {
  addContext: 'context.add.requested.v1',
  deleteContext: 'context.delete.requested.v1',
} as const;

/** Envelope `type`s carried on `memory.commands.v1`. */
export const MemoryCommandTypes = {
  add: 'memory.add.requested.v1',
  update: 'memory.update.requested.v1',
  delete: 'memory.delete.requested.v1',
} as const;

/** Envelope `type`s carried on `memory.changes.v1`. */
export const MemoryChangeTypes = {
  messagesUpserted: 'memory.messages.upserted.v1',
  sessionDeleted: 'memory.deleted.v1',
} as const;

/** Request/reply patterns for reads and for job control; writes travel as commands. */
export const Rpc = {
  contextSearch: 'context.search.rpc.v1',
  contextView: 'context.view.rpc.v1',
  contextViewDocs: 'context.view-docs.rpc.v1',
  contextFileExists: 'context.file-exists.rpc.v1',
  jobStatus: 'context.job-status.rpc.v1',
  jobList: 'context.job-list.rpc.v1',
  jobCancel: 'context.job-cancel.rpc.v1',
  memoryOperationStatus: 'memory.operation-status.rpc.v1',
  memoryRetrieve: 'memory.retrieve.rpc.v1',
} as const;
export type RpcPattern = (typeof Rpc)[keyof typeof Rpc];

export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
