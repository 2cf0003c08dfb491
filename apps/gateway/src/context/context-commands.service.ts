import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandTypes,
  DomainError,
  ErrorCode,
  effectiveFileName,
  type AddContextBody,
  type AddContextCommand,
  type DeleteContextBody,
  type DeleteContextCommand,
  type Tenant,
} from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import { JOB_IDS } from '../jobs/jobs.tokens';
import type { JobIds } from '../jobs/job-ids';
import { JobWaiter } from './job-waiter.service';
import { TakenFileNames } from './taken-file-names.service';

const contextIdFor = (jobId: string): string => {
  const hex = createHash('sha256').update(jobId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** Adds and deletes: validated upstream, turned into durable commands here. */
@Injectable()
export class ContextCommandsService {
  constructor(
    private readonly bus: BusGateway,
    private readonly waiter: JobWaiter,
    private readonly fileNames: TakenFileNames,
    @Inject(JOB_IDS) private readonly jobIds: JobIds,
  ) {}

  async addAsync(tenant: Tenant, body: AddContextBody, correlationId: string): Promise<{ jobId: string; contextId: string }> {
    await this.refuseTakenFileNames(tenant, body, correlationId);
    const jobId = this.jobIds.issue(tenant);
    const contextId = contextIdFor(jobId);
    const command: AddContextCommand = {
      jobId,
      contextId,
      source: body.source,
      contextType: body.context_type,
      scope: body.scope,
      chained: body.chained,
      metadata: body.metadata,
      documents: body.documents.map(({ content, ...metadata }) => ({ content, metadata })),
    };
    await this.bus.sendCommand(CommandTypes.addContext, tenant, correlationId, command);
    return { jobId, contextId };
  }

  async add(tenant: Tenant, body: AddContextBody, correlationId: string): Promise<{ contextId: string; processedDocuments: number }> {
    const { jobId, contextId } = await this.addAsync(tenant, body, correlationId);
    const job = await this.waiter.untilFinished(tenant, jobId, correlationId);
    return { contextId, processedDocuments: job.result?.processed_documents ?? body.documents.length };
  }

  async delete(tenant: Tenant, body: DeleteContextBody, correlationId: string): Promise<void> {
    const jobId = this.jobIds.issue(tenant);
    const command: DeleteContextCommand = { jobId, target: body.source!, byId: body.by_id === true };
    await this.bus.sendCommand(CommandTypes.deleteContext, tenant, correlationId, command);
    await this.waiter.untilFinished(tenant, jobId, correlationId);
  }

  /** Answers 409 up front; ingestion checks again when it applies the command, which settles races. */
  private async refuseTakenFileNames(tenant: Tenant, body: AddContextBody, correlationId: string): Promise<void> {
    const names = new Set<string>();
    for (const { content: _content, ...fields } of body.documents) {
      const name = effectiveFileName({ ...body.metadata, ...fields });
      if (name) names.add(name);
    }
    if (names.size === 0) return;
    const taken = await this.fileNames.taken(tenant, [...names], correlationId);
    if (taken.length > 0) {
      throw new DomainError(ErrorCode.DuplicateFile, `fileName already exists for this tenant: ${taken.join(', ')} (delete it first)`, { fileNames: taken });
    }
  }
}
