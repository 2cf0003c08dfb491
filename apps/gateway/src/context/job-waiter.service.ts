import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, Rpc, type JobView, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';

type JobWithCode = JobView & { failedCode: string | null };

const isErrorCode = (code: string | null): code is ErrorCode => code !== null && (Object.values(ErrorCode) as string[]).includes(code);

/** Synchronous routes are async commands plus a wait: the job is polled until it finishes or the deadline passes (504). */
@Injectable()
export class JobWaiter {
  constructor(
    private readonly bus: BusGateway,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async untilFinished(tenant: Tenant, jobId: string, correlationId: string): Promise<JobView> {
    const deadline = Date.now() + this.options.syncTimeoutMs;
    let pause = 5;
    for (;;) {
      const job = await this.bus.request<JobWithCode>(Rpc.jobStatus, tenant, correlationId, { jobId, issued: true });
      if (job.status === 'completed') return job;
      if (job.status === 'failed') {
        throw new DomainError(isErrorCode(job.failedCode) ? job.failedCode : ErrorCode.Internal, job.failedReason ?? 'The job failed', { jobId });
      }
      if (job.status === 'cancelled') throw new DomainError(ErrorCode.NotFound, `Job ${jobId} was cancelled`, { jobId });
      if (Date.now() + pause > deadline) {
        throw new DomainError(ErrorCode.Timeout, `Job ${jobId} did not finish within ${this.options.syncTimeoutMs} ms; it goes on, poll its status`, { jobId });
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 50);
    }
  }
}
