import { createHmac } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@recollect/auth';
import { BUS_CLIENT } from '@recollect/bus';
import { BusGateway } from './bus/bus-gateway.service';
import { GatewayStopping } from './bus/gateway-stopping';
import { ContextCommandsService } from './context/context-commands.service';
import { ContextQueriesService } from './context/context-queries.service';
import { ContextController } from './context/context.controller';
import { JobWaiter } from './context/job-waiter.service';
import { TakenFileNames } from './context/taken-file-names.service';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { HealthController } from './health/health.controller';
import { JobIds } from './jobs/job-ids';
import { JobsController } from './jobs/jobs.controller';
import { JOB_IDS } from './jobs/jobs.tokens';
import { TenantRateLimitGuard } from './limits/tenant-rate-limiter';
import { MemindController } from './memind/memind.controller';
import { MemoryCommandsService } from './memory/memory-commands.service';
import { MemoryController } from './memory/memory.controller';
import { OPERATION_IDS } from './memory/memory.tokens';
import { OperationWaiter } from './memory/operation-waiter.service';

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [AuthModule.forRoot(options.jwt)],
      controllers: [ContextController, JobsController, MemoryController, MemindController, HealthController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: BUS_CLIENT, useValue: options.busClient },
        { provide: JOB_IDS, useValue: new JobIds(options.jobIdSecret) },
        // Its own key, derived from the job one, so a job id never verifies as an operation id.
        { provide: OPERATION_IDS, useValue: new JobIds(createHmac('sha256', options.jobIdSecret).update('memory-operations').digest('hex'), 'op') },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        BusGateway,
        GatewayStopping,
        JobWaiter,
        TakenFileNames,
        ContextCommandsService,
        ContextQueriesService,
        TenantRateLimitGuard,
        OperationWaiter,
        MemoryCommandsService,
      ],
    };
  }
}
