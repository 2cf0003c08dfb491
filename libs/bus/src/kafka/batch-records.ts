import type { Batch } from 'kafkajs';
import type { BusRecord } from '../bus.context';
import { toBusRecord } from './kafka-codec';

/** How many records after the current one a handler is shown: as many as the in-process bus reads at once. */
export const UPCOMING_RECORDS = 100;

/** A fetched batch's messages as bus records, each decoded once, when first needed. */
export class BatchRecords {
  private readonly decoded: BusRecord[] = [];

  constructor(
    private readonly batch: Pick<Batch, 'topic' | 'partition' | 'messages'>,
    private readonly upcomingLimit = UPCOMING_RECORDS,
  ) {}

  get length(): number {
    return this.batch.messages.length;
  }

  at(index: number): BusRecord {
    return (this.decoded[index] ??= toBusRecord(this.batch.topic, this.batch.partition, this.batch.messages[index]!));
  }

  /** The records after `index`, in order, up to the limit: what `BusContext.getUpcoming()` answers. */
  after(index: number): BusRecord[] {
    const end = Math.min(this.length, index + 1 + this.upcomingLimit);
    const upcoming: BusRecord[] = [];
    for (let next = index + 1; next < end; next += 1) upcoming.push(this.at(next));
    return upcoming;
  }
}
