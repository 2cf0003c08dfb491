import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { tenantForRequest, type Identity } from '@recollect/auth';
import { addMemoryBodySchema, deleteMemoryBodySchema, parseOrThrow, updateMemoryBodySchema, type AddMemoryResponse, type UpdateMemoryResponse } from '@recollect/contracts';
import { CorrelationId } from '../auth/correlation-id.decorator';
import { CurrentIdentity } from '../auth/current-identity.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { TenantRateLimitGuard } from '../limits/tenant-rate-limiter';
import { MemoryCommandsService } from './memory-commands.service';
import { assertWithinMessageLimit, messagesOfEntries } from './memory-messages';

/** Alchemyst memory routes (seed 002 and @alchemystai/sdk 0.8.1): a session of messages, kept as conversation memory. */
@Controller('api/v1/context/memory')
@UseGuards(JwtAuthGuard, TenantRateLimitGuard)
export class MemoryController {
  constructor(private readonly memory: MemoryCommandsService) {}

  /** 201 once the messages are searchable. */
  @Post('add')
  @HttpCode(201)
  async add(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<AddMemoryResponse> {
    assertWithinMessageLimit(raw);
    const body = parseOrThrow(addMemoryBodySchema, raw);
    await this.memory.add(tenantForRequest(identity, body), body.sessionId, null, messagesOfEntries(body.contents), correlationId);
    return { success: true, context_id: body.sessionId };
  }

  /** Upserts by message id: existing ids replaced, new ones appended; 404 for an unknown session. */
  @Post('update')
  @HttpCode(200)
  async update(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<UpdateMemoryResponse> {
    assertWithinMessageLimit(raw);
    const body = parseOrThrow(updateMemoryBodySchema, raw);
    const operation = await this.memory.update(tenantForRequest(identity, body), body.sessionId, messagesOfEntries(body.contents), correlationId);
    return { success: true, memory_id: body.sessionId, updated_entries: operation.updatedEntries };
  }

  /** 204 once every message of the session is gone from search; deleting an unknown session is a no-op. */
  @Post('delete')
  @HttpCode(204)
  async delete(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<void> {
    const body = parseOrThrow(deleteMemoryBodySchema, raw);
    await this.memory.delete(tenantForRequest(identity, body), body.sessionId, correlationId);
  }
}
