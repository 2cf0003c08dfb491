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

  /** One query answers both gauges of a scrape, so the count and the age agree. */
  private reading: Promise<{ count: number; oldestAgeSeconds: number | null }> | undefined;

  onModuleInit(): void {
    this.removeReaders.push(
      memoryOutboxWaiting.addReader(async (set) => set({}, (await this.read()).count)),
      memoryOutboxOldestAge.addReader(async (set) => set({}, (await this.read()).oldestAgeSeconds ?? 0)),
    );
  }

  onModuleDestroy(): void {
    for (const remove of this.removeReaders.splice(0)) remove();
  }

  private read(): Promise<{ count: number; oldestAgeSeconds: number | null }> {
    this.reading ??= this.changes.waiting().finally(() => setImmediate(() => (this.reading = undefined)));
    return this.reading;
  }
}
