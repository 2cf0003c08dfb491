/**
 * Every topic on the bus. Versioned; a breaking payload change means a new `.vN` topic.
 * Add and delete commands share one topic so that, keyed by tenant, they apply in the order sent.
 */
export const Topics = {
  contextCommands: 'context.commands.v1',
  contextJobUpdated: 'context.job.updated.v1',
  contextIndexed: 'context.indexed.v1',
  contextDeleted: 'context.deleted.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Envelope `type`s carried on `context.commands.v1`. */
export const CommandTypes = {
  addContext: 'context.add.requested.v1',
  deleteContext: 'context.delete.requested.v1',
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
} as const;
export type RpcPattern = (typeof Rpc)[keyof typeof Rpc];

export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
