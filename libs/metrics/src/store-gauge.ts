import { Gauge } from 'prom-client';
import { metricsRegistry } from './registry';

/** Sets one value of the gauge per label set it reads; a label set it does not set is not exposed. */
export type GaugeReader<L extends string> = (set: (labels: Record<L, string>, value: number) => void) => Promise<void>;

/**
 * A gauge read from a store when Prometheus scrapes, such as a backlog in PostgreSQL: each running
 * service adds its reader at start and removes it at shutdown. A reader that fails leaves its values
 * out of that scrape rather than failing the scrape.
 */
export class StoreGauge<L extends string> {
  private readonly readers = new Set<GaugeReader<L>>();

  constructor(name: string, help: string, labelNames: readonly L[]) {
    const readers = this.readers;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [metricsRegistry],
      async collect() {
        this.reset();
        await Promise.all([...readers].map((read) => read((labels, value) => this.set(labels, value)).catch(() => undefined)));
      },
    });
  }

  /** Answers the function that removes the reader. */
  addReader(reader: GaugeReader<L>): () => void {
    this.readers.add(reader);
    return () => void this.readers.delete(reader);
  }
}
