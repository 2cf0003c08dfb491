import { Inject, Injectable } from '@nestjs/common';
import { MemoryCommandTypes, Topics, sessionKey, type MemoryMessageInput, type OperationView, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';
import type { JobIds } from '../jobs/job-ids';
import { OPERATION_IDS } from './memory.tokens';
import { OperationWaiter } from './operation-waiter.service';

type Kind = keyof typeof MemoryCommandTypes;

/** Memory writes of both APIs: one durable command per call, keyed by session so a session's commands apply in the order sent. */
@Injectable()
export class MemoryCommandsService {
  constructor(
    private readonly bus: BusGateway,
    private readonly waiter: OperationWaiter,
    @Inject(OPERATION_IDS) private readonly operationIds: JobIds,
  ) {}

  /** Answers the operation id once the command is durable (503 otherwise). */
  addAsync(tenant: Tenant, sessionId: string, agentId: string | null, messages: MemoryMessageInput[], correlationId: string): Promise<string> {
    return this.send('add', tenant, sessionId, { agentId, messages }, correlationId);
  }

  async add(tenant: Tenant, sessionId: string, agentId: string | null, messages: MemoryMessageInput[], correlationId: string): Promise<OperationView> {
    const operationId = await this.addAsync(tenant, sessionId, agentId, messages, correlationId);
    return this.waiter.untilCompleted(tenant, operationId, correlationId);
  }

  /** 404 (from the memory service) when the tenant has no such session. */
  async update(tenant: Tenant, sessionId: string, messages: MemoryMessageInput[], correlationId: string): Promise<OperationView> {
    const operationId = await this.send('update', tenant, sessionId, { messages }, correlationId);
    return this.waiter.untilCompleted(tenant, operationId, correlationId);
  }

  /** Resolves once the session's messages are gone from the tables and from search. */
  async delete(tenant: Tenant, sessionId: string, correlationId: string): Promise<void> {
    const operationId = await this.send('delete', tenant, sessionId, {}, correlationId);
    await this.waiter.untilCompleted(tenant, operationId, correlationId);
  }

  private async send(kind: Kind, tenant: Tenant, sessionId: string, rest: Record<string, unknown>, correlationId: string): Promise<string> {
    const operationId = this.operationIds.issue(tenant);
    await this.bus.sendCommandTo(Topics.memoryCommands, sessionKey(tenant, sessionId), MemoryCommandTypes[kind], tenant, correlationId, {
      operationId,
      sessionId,
      ...rest,
    });
    return operationId;
  }
}
