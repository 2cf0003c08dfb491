import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { tenantForRequest, type Identity } from '@recollect/auth';
import {
  addContextBodySchema,
  addContextSyncBodySchema,
  deleteContextBodySchema,
  parseOrThrow,
  parseQueryOrThrow,
  searchContextBodySchema,
  searchContextQuerySchema,
  viewContextQuerySchema,
  type AddContextAsyncResponse,
  type AddContextResponse,
  type SearchContextResponse,
  type ViewContextResponse,
  type ViewDocsResponse,
} from '@recollect/contracts';
import { CorrelationId } from '../auth/correlation-id.decorator';
import { CurrentIdentity } from '../auth/current-identity.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { TenantRateLimitGuard } from '../limits/tenant-rate-limiter';
import { ContextCommandsService } from './context-commands.service';
import { ContextQueriesService } from './context-queries.service';
import { assertWithinDocumentLimit, assertWithinMetadataLimit } from './request-limits';

@Controller('api/v1/context')
@UseGuards(JwtAuthGuard, TenantRateLimitGuard)
export class ContextController {
  constructor(
    private readonly commands: ContextCommandsService,
    private readonly queries: ContextQueriesService,
  ) {}

  @Post('add')
  @HttpCode(201)
  async add(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<AddContextResponse> {
    assertWithinDocumentLimit(raw);
    const body = parseOrThrow(addContextSyncBodySchema, raw);
    assertWithinMetadataLimit(body);
    const added = await this.commands.add(tenantForRequest(identity, body), body, correlationId);
    return { success: true, context_id: added.contextId, processed_documents: added.processedDocuments };
  }

  @Post('add-async')
  @HttpCode(201)
  async addAsync(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<AddContextAsyncResponse> {
    assertWithinDocumentLimit(raw);
    const body = parseOrThrow(addContextBodySchema, raw);
    assertWithinMetadataLimit(body);
    const { jobId } = await this.commands.addAsync(tenantForRequest(identity, body), body, correlationId);
    return { queued: true, jobId };
  }

  @Post('search')
  @HttpCode(202)
  async search(
    @CurrentIdentity() identity: Identity,
    @Body() raw: unknown,
    @Query() rawQuery: unknown,
    @CorrelationId() correlationId: string,
  ): Promise<SearchContextResponse> {
    const body = parseOrThrow(searchContextBodySchema, raw);
    const query = parseQueryOrThrow(searchContextQuerySchema, rawQuery);
    const hits = await this.queries.search(tenantForRequest(identity, body), body, { mode: query.mode, groupBy: query.group_by }, correlationId);
    return {
      results: hits.map((h) => ({ contextId: h.contextId, contextData: h.content })),
      contexts: hits.map((h) => ({
        content: h.content,
        score: h.score,
        createdAt: h.createdAt,
        updatedAt: h.updatedAt,
        ...(query.metadata ? { metadata: h.metadata } : {}),
      })),
    };
  }

  @Post('delete')
  @HttpCode(204)
  async delete(@CurrentIdentity() identity: Identity, @Body() raw: unknown, @CorrelationId() correlationId: string): Promise<void> {
    const body = parseOrThrow(deleteContextBodySchema, raw);
    await this.commands.delete(tenantForRequest(identity, body), body, correlationId);
  }

  @Get('view')
  async view(@CurrentIdentity() identity: Identity, @Query() rawQuery: unknown, @CorrelationId() correlationId: string): Promise<ViewContextResponse> {
    const query = parseQueryOrThrow(viewContextQuerySchema, rawQuery);
    const nodes = await this.queries.view(identity.tenant, query, correlationId);
    return { success: true, context: nodes, contexts: nodes.map((n) => ({ content: n.content, metadata: n.metadata })) };
  }

  @Get('view/docs')
  async viewDocs(@CurrentIdentity() identity: Identity, @CorrelationId() correlationId: string): Promise<ViewDocsResponse> {
    const documents = await this.queries.documents(identity.tenant, correlationId);
    return { success: true, documents };
  }
}
