import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@recollect/auth';
import { BUS_CLIENT } from '@recollect/bus';
import { BusGateway } from './bus/bus-gateway.service';
import { ContextCommandsService } from './context/context-commands.service';
import { ContextQueriesService } from './context/context-queries.service';
import { ContextController } from './context/context.controller';
import { JobWaiter } from './context/job-waiter.service';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { HealthController } from './health/health.controller';
import { JobIds } from './jobs/job-ids';
import { JobsController } from './jobs/jobs.controller';
import { JOB_IDS } from './jobs/jobs.tokens';
import { TenantRateLimitGuard } from './limits/tenant-rate-limiter';

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [AuthModule.forRoot(options.jwt)],
      controllers: [ContextController, JobsController, HealthController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: BUS_CLIENT, useValue: options.busClient },
        { provide: JOB_IDS, useValue: new JobIds(options.jobIdSecret) },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        BusGateway,
        JobWaiter,
        ContextCommandsService,
        ContextQueriesService,
        TenantRateLimitGuard,
      ],
    };
  }
}
