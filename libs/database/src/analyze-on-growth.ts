import type { Pool } from 'pg';

export interface AnalyzeOnGrowthOptions {
  /** The first analysis of a table without statistics comes once this many rows were written. */
  floorRows?: number;
  /** No analysis once the table held this many rows at the last one: autovacuum keeps up by then. */
  ceilingRows?: number;
  /** Where a failed analysis goes; writes never fail for it. */
  onError?: (error: unknown) => void;
}

const DEFAULTS = { floorRows: 500, ceilingRows: 1_000_000 };

/** The table's rows at its last analysis, whether it has statistics, and whether this role may analyse it. */
const STATISTICS_SQL = `
  SELECT c.reltuples,
    EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS analysed,
    CASE WHEN current_setting('server_version_num')::int >= 170000 THEN has_table_privilege(c.oid, 'MAINTAIN')
      ELSE pg_has_role(c.relowner, 'USAGE') END AS may_analyse
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = to_regclass($1)`;

/**
 * Analyses a table each time it has doubled since its statistics were taken, from `floorRows` on:
 * about twelve cheap ANALYZEs (each samples at most 30,000 rows) over a table's first million rows.
 * Autovacuum's first analysis of a growing table comes a minute after start at the soonest, and until
 * then the planner cannot tell apart indices that begin with the same columns.
 */
export class AnalyzeOnGrowth {
  private readonly floorRows: number;
  private readonly ceilingRows: number;
  private readonly onError: (error: unknown) => void;
  /**
   * The table's rows when its statistics were last taken, by PostgreSQL's record; 0 without statistics;
   * infinite, for good, when the table is missing or this role may not analyse it.
   */
  private rowsAtLastAnalysis: Promise<number> | undefined;
  private writtenSince = 0;
  private running = false;

  constructor(
    private readonly pool: Pool,
    /** The table's name as SQL spells it, schema included when not on the search path. */
    private readonly table: string,
    options: AnalyzeOnGrowthOptions = {},
  ) {
    this.floorRows = options.floorRows ?? DEFAULTS.floorRows;
    this.ceilingRows = options.ceilingRows ?? DEFAULTS.ceilingRows;
    this.onError = options.onError ?? (() => undefined);
  }

  /**
   * Counts rows just written (a replaced row counts again, which only brings an analysis forward).
   * Answers once any analysis this started is over, and never rejects: a write path need not wait.
   */
  async noteWritten(rows: number): Promise<void> {
    if (rows <= 0) return;
    this.writtenSince += rows;
    try {
      await this.analyseIfDue();
    } catch (error) {
      // Tried again at a later write; autovacuum still analyses the table meanwhile.
      this.report(error);
    }
  }

  private async analyseIfDue(): Promise<void> {
    this.rowsAtLastAnalysis ??= this.readRowsAtLastAnalysis();
    const analysedRows = await this.rowsAtLastAnalysis;
    const rows = analysedRows + this.writtenSince;
    if (this.running || analysedRows >= this.ceilingRows || rows < Math.max(this.floorRows, 2 * analysedRows)) return;
    this.running = true;
    const counted = this.writtenSince;
    try {
      await this.pool.query(`ANALYZE ${this.table}`);
      // Rows written meanwhile count towards the next one; the table's size is PostgreSQL's, not ours.
      this.writtenSince -= counted;
      this.rowsAtLastAnalysis = undefined;
    } finally {
      this.running = false;
    }
  }

  private readRowsAtLastAnalysis(): Promise<number> {
    return this.readStatistics().catch((error: unknown) => {
      this.rowsAtLastAnalysis = undefined;
      throw error;
    });
  }

  private async readStatistics(): Promise<number> {
    const { rows } = await this.pool.query<{ reltuples: number; analysed: boolean; may_analyse: boolean }>(STATISTICS_SQL, [this.table]);
    const row = rows[0];
    if (!row) return this.giveUp(`table ${this.table} not found: its statistics are left to autovacuum`);
    // PostgreSQL answers ANALYZE without the right with a warning, not an error: it would do nothing, unseen.
    if (!row.may_analyse) return this.giveUp(`this role may not analyse ${this.table}: its statistics are left to autovacuum`);
    return row.analysed ? Math.max(0, Number(row.reltuples)) : 0;
  }

  private giveUp(reason: string): number {
    this.report(new Error(reason));
    return Number.POSITIVE_INFINITY;
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A failing handler must not turn a write's bookkeeping into an unhandled rejection.
    }
  }
}
