import { Controller, Delete, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@recollect/auth';
import {
  Rpc,
  jobIdParamSchema,
  listJobsQuerySchema,
  parseOrThrow,
  parseQueryOrThrow,
  type JobCancelResponse,
  type JobListResponse,
  type JobStatusResponse,
  type JobView,
} from '@recollect/contracts';
import { CorrelationId } from '../auth/correlation-id.decorator';
import { CurrentIdentity } from '../auth/current-identity.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { BusGateway } from '../bus/bus-gateway.service';
import { TenantRateLimitGuard } from '../limits/tenant-rate-limiter';
import type { JobIds } from './job-ids';
import { JOB_IDS } from './jobs.tokens';

const publicView = ({ jobId, status, result, attemptsMade, failedReason, processedOn, finishedOn }: JobView) => ({
  jobId,
  status,
  result,
  attemptsMade,
  failedReason,
  processedOn,
  finishedOn,
});

@Controller('api/v1/context/add-async')
@UseGuards(JwtAuthGuard, TenantRateLimitGuard)
export class JobsController {
  constructor(
    private readonly bus: BusGateway,
    @Inject(JOB_IDS) private readonly jobIds: JobIds,
  ) {}

  @Get('status')
  async list(@CurrentIdentity() identity: Identity, @Query() rawQuery: unknown, @CorrelationId() correlationId: string): Promise<JobListResponse> {
    const query = parseQueryOrThrow(listJobsQuerySchema, rawQuery);
    const jobs = await this.bus.request<JobView[]>(Rpc.jobList, identity.tenant, correlationId, query);
    return { success: true, jobs: jobs.map(publicView) };
  }

  @Get(':jobId/status')
  async status(@CurrentIdentity() identity: Identity, @Param() params: unknown, @CorrelationId() correlationId: string): Promise<JobStatusResponse> {
    const { jobId } = parseOrThrow(jobIdParamSchema, params, 'path');
    const issued = this.jobIds.isIssuedTo(jobId, identity.tenant);
    const job = await this.bus.request<JobView>(Rpc.jobStatus, identity.tenant, correlationId, { jobId, issued });
    return { success: true, ...publicView(job) };
  }

  @Delete(':jobId/cancel')
  async cancel(@CurrentIdentity() identity: Identity, @Param() params: unknown, @CorrelationId() correlationId: string): Promise<JobCancelResponse> {
    const { jobId } = parseOrThrow(jobIdParamSchema, params, 'path');
    const issued = this.jobIds.isIssuedTo(jobId, identity.tenant);
    return this.bus.request<JobCancelResponse>(Rpc.jobCancel, identity.tenant, correlationId, { jobId, issued });
  }
}
