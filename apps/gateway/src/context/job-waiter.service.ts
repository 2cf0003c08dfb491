import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, FINISHED_JOB_STATUSES, Rpc, type JobView, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import { GatewayStopping } from '../bus/gateway-stopping';
import { pollUntilSettled } from '../bus/poll-until-settled';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

type JobWithCode = JobView & { failedCode: string | null };

const isErrorCode = (code: string | null): code is ErrorCode => code !== null && (Object.values(ErrorCode) as string[]).includes(code);

/** Synchronous routes are async commands plus a wait: the job is polled until it finishes, the deadline passes or the gateway begins to stop (504). */
@Injectable()
export class JobWaiter {
  constructor(
    private readonly bus: BusGateway,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly stopping: GatewayStopping,
  ) {}

  async untilFinished(tenant: Tenant, jobId: string, correlationId: string): Promise<JobView> {
    const job = await pollUntilSettled(
      () => this.bus.request<JobWithCode>(Rpc.jobStatus, tenant, correlationId, { jobId, issued: true }),
      ({ status }) => FINISHED_JOB_STATUSES.includes(status),
      this.options.syncTimeoutMs,
      () => new DomainError(ErrorCode.Timeout, `Job ${jobId} did not finish ${this.stopping.endOfWait(this.options.syncTimeoutMs)}; it goes on, poll its status`, { jobId }),
      this.stopping.signal,
    );
    if (job.status === 'failed') {
      throw new DomainError(isErrorCode(job.failedCode) ? job.failedCode : ErrorCode.Internal, job.failedReason ?? 'The job failed', { jobId });
    }
    if (job.status === 'cancelled') throw new DomainError(ErrorCode.NotFound, `Job ${jobId} was cancelled`, { jobId });
    return job;
  }
}
