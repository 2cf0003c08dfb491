import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { Identity } from '@recollect/auth';
import {
  Rpc,
  addMessageBodySchema,
  memindTenantQuerySchema,
  operationIdParamSchema,
  parseOrThrow,
  parseQueryOrThrow,
  retrieveMemoryBodySchema,
  type AddMessageAcceptedResponse,
  type AddMessageSyncResponse,
  type OperationResponse,
  type OperationView,
  type RetrievedItem,
  type RetrieveMemoryResponse,
} from '@recollect/contracts';
import { CorrelationId } from '../auth/correlation-id.decorator';
import { CurrentIdentity } from '../auth/current-identity.decorator';
import { BusGateway } from '../bus/bus-gateway.service';
import type { JobIds } from '../jobs/job-ids';
import { TenantRateLimitGuard } from '../limits/tenant-rate-limiter';
import { MemoryCommandsService } from '../memory/memory-commands.service';
import { messageOfMemind } from '../memory/memory-messages';
import { OPERATION_IDS } from '../memory/memory.tokens';
import { MemindAuthGuard } from './memind-auth.guard';
import { memindTenant } from './memind-tenant';

/** Memind's API (seed 003): add-message, async or sync, and retrieve; plus a pollable operation status, which Memind lacks. */
@Controller('open/v1')
@UseGuards(MemindAuthGuard, TenantRateLimitGuard)
export class MemindController {
  constructor(
    private readonly memory: MemoryCommandsService,
    private readonly bus: BusGateway,
    @Inject(OPERATION_IDS) private readonly operationIds: JobIds,
  ) {}

  /** 202 once the message is durable; poll the operation until it is stored and indexed. */
  @Post(['memory/async/add-message', 'memory/add-message'])
  @HttpCode(202)
  async addMessageAsync(@CurrentIdentity() identity: Identity | undefined, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<AddMessageAcceptedResponse> {
    const body = parseOrThrow(addMessageBodySchema, raw);
    const tenant = memindTenant(identity, body);
    const operationId = await this.memory.addAsync(tenant, body.sessionId ?? body.agentId, body.agentId, [messageOfMemind(body)], correlationId);
    return { data: { operationId, status: 'accepted', mode: 'async' } };
  }

  /** 200 once the message is stored and searchable. */
  @Post('memory/sync/add-message')
  @HttpCode(200)
  async addMessageSync(@CurrentIdentity() identity: Identity | undefined, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<AddMessageSyncResponse> {
    const body = parseOrThrow(addMessageBodySchema, raw);
    const tenant = memindTenant(identity, body);
    const operation = await this.memory.add(tenant, body.sessionId ?? body.agentId, body.agentId, [messageOfMemind(body)], correlationId);
    return {
      data: {
        operationId: operation.operationId,
        status: operation.status,
        mode: 'sync',
        sessionId: operation.sessionId,
        messageId: operation.messageIds[0] ?? null,
      },
    };
  }

  @Post('memory/retrieve')
  @HttpCode(200)
  async retrieve(@CurrentIdentity() identity: Identity | undefined, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<RetrieveMemoryResponse> {
    const body = parseOrThrow(retrieveMemoryBodySchema, raw);
    const items = await this.bus.request<RetrievedItem[]>(Rpc.memoryRetrieve, memindTenant(identity, body), correlationId, {
      query: body.query,
      limit: body.limit,
      sessionId: body.sessionId,
      agentId: body.agentId,
      occurredFrom: body.timeRange?.from,
      occurredTo: body.timeRange?.to,
    });
    return { data: { status: 'success', items, insights: [], rawData: [], evidences: [], strategy: body.strategy, query: body.query } };
  }

  /** An operation this service issued is `accepted` until consumed, never 404; another tenant's, or an unknown id, is 404. */
  @Get('operations/:operationId')
  async operation(
    @CurrentIdentity() identity: Identity | undefined,
    @Param() params: unknown,
    @Query() rawQuery: unknown,
    @CorrelationId() correlationId: string,
  ): Promise<OperationResponse> {
    const { operationId } = parseOrThrow(operationIdParamSchema, params, 'path');
    const tenant = memindTenant(identity, identity ? {} : parseQueryOrThrow(memindTenantQuerySchema, rawQuery));
    const issued = this.operationIds.isIssuedTo(operationId, tenant);
    const operation = await this.bus.request<OperationView>(Rpc.memoryOperationStatus, tenant, correlationId, { operationId, issued });
    return { data: operation };
  }
}
