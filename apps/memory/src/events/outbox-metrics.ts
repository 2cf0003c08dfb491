import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { memoryOutboxOldestAge, memoryOutboxWaiting } from '@recollect/metrics';
import { ChangeOutboxRepository } from './change-outbox.repository';

/**
 * Exposes the outbox's backlog when Prometheus scrapes: changes pile up there while the bus refuses
 * them, and an operation stays `stored` until its change is published.
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly removeReaders: Array<() => void> = [];

  constructor(private readonly changes: ChangeOutboxRepository) {}

  onModuleInit(): void {
    this.removeReaders.push(
      memoryOutboxWaiting.addReader(async (set) => set({}, (await this.changes.waiting()).count)),
      memoryOutboxOldestAge.addReader(async (set) => set({}, (await this.changes.waiting()).oldestAgeSeconds ?? 0)),
    );
  }

  onModuleDestroy(): void {
    for (const remove of this.removeReaders.splice(0)) remove();
  }
}
