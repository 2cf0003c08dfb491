import { writeFileSync } from 'node:fs';

/** What one query or question retrieved, for looking into a run's misses. */
export type Detail = Record<string, unknown>;
export type DetailSink = (position: number, detail: Detail) => void;

/**
 * Collects details as queries finish (two run at once, so in any order) and writes them, in dataset
 * order, as JSON lines.
 */
export class DetailsFile {
  private readonly details: Array<Detail | undefined> = [];

  constructor(private readonly path: string) {}

  readonly sink: DetailSink = (position, detail) => {
    this.details[position] = detail;
  };

  write(): void {
    const lines = this.details.filter((detail): detail is Detail => detail !== undefined).map((detail) => JSON.stringify(detail));
    writeFileSync(this.path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }
}
