import { Gauge } from 'prom-client';
import { metricsRegistry } from './registry';

/** Sets one value of the gauge per label set it reads; a label set it does not set is not exposed. */
export type GaugeReader<L extends string> = (set: (labels: Record<L, string>, value: number) => void) => Promise<void>;

/** A reading this young answers the next scrape: however often, or by how many, `/metrics` is scraped, a store is read at most this often. */
const FRESH_FOR_MS = 5_000;

interface Reading<L extends string> {
  at: number;
  values: Promise<Array<[Record<L, string>, number]>>;
}

/**
 * A gauge read from a store when Prometheus scrapes, such as a backlog in PostgreSQL: each running
 * service adds its reader at start and removes it at shutdown. Scrapes share a reading (one in flight,
 * then reused for FRESH_FOR_MS), and a reader that fails leaves its values out of that reading rather
 * than failing the scrape.
 */
export class StoreGauge<L extends string> {
  private readonly readers = new Set<GaugeReader<L>>();
  private reading: Reading<L> | undefined;

  constructor(name: string, help: string, labelNames: readonly L[]) {
    const read = () => this.read();
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [metricsRegistry],
      async collect() {
        const values = await read();
        // Replaced in one step, after every await: overlapping scrapes cannot clear each other's values.
        this.reset();
        for (const [labels, value] of values) this.set(labels, value);
      },
    });
  }

  /** Answers the function that removes the reader. */
  addReader(reader: GaugeReader<L>): () => void {
    this.readers.add(reader);
    this.reading = undefined;
    return () => {
      this.readers.delete(reader);
      this.reading = undefined;
    };
  }

  private read(): Promise<Array<[Record<L, string>, number]>> {
    const now = Date.now();
    if (this.reading && now - this.reading.at < FRESH_FOR_MS) return this.reading.values;
    const values: Array<[Record<L, string>, number]> = [];
    const done = Promise.all([...this.readers].map((read) => read((labels, value) => values.push([labels, value])).catch(() => undefined))).then(() => values);
    this.reading = { at: now, values: done };
    return done;
  }
}
