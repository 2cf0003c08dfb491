import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, jobCancelRpcSchema, jobListRpcSchema, jobStatusRpcSchema, parseMessageOrThrow, toRpcReply } from '@recollect/contracts';
import { JobsService } from './jobs.service';

@Controller()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @MessagePattern(Rpc.jobStatus)
  status(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(jobStatusRpcSchema, value, 'request');
      return this.jobs.status(tenant, payload.jobId, payload.issued);
    });
  }

  @MessagePattern(Rpc.jobList)
  list(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(jobListRpcSchema, value, 'request');
      return this.jobs.list(tenant, payload);
    });
  }

  @MessagePattern(Rpc.jobCancel)
  cancel(@Payload() value: unknown) {
    return toRpcReply(async () => {
      const { tenant, payload } = parseMessageOrThrow(jobCancelRpcSchema, value, 'request');
      return this.jobs.cancel(tenant, payload.jobId, payload.issued);
    });
  }
}
