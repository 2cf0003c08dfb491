import { CommandTypes, makeEnvelope, type AddContextCommand, type ContextCommand, type Tenant } from '@recollect/contracts';
import type { AddCommand } from '../src/indexing/add-batch';

/** An add command of one short document, its context and source named after the job. */
export function addCommand(jobId: string, tenant: Tenant): AddCommand {
  const payload: AddContextCommand = {
    jobId,
    contextId: `ctx-${jobId}`,
    source: 'spec',
    contextType: 'resource',
    scope: 'internal',
    chained: false,
    metadata: {},
    documents: [{ content: `The document of ${jobId}.`, metadata: {} }],
  };
  return { ...makeEnvelope(CommandTypes.addContext, tenant, `corr-${jobId}`, payload), type: CommandTypes.addContext };
}

/** A delete of the source `spec`. */
export function deleteCommand(jobId: string, tenant: Tenant): ContextCommand {
  return { ...makeEnvelope(CommandTypes.deleteContext, tenant, `corr-${jobId}`, { jobId, target: 'spec', byId: false }), type: CommandTypes.deleteContext } as ContextCommand;
}
