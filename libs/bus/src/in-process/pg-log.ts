import type { Pool } from 'pg';
import type { BusRecord } from '../bus.context';
import { WAKEUP_CHANNEL } from './pg-wakeups';

/** Where a published message landed, like Kafka's RecordMetadata. */
export interface PublishedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: Date;
}

export interface AppendRequest {
  topic: string;
  partition: number;
  key: string | null;
  headers: Record<string, string>;
  valueJson: string;
}

/** "Before the first offset": bigserial starts at 1, so a new group reads from the earliest message. */
export const EARLIEST_OFFSET = '0';

// The schema lock keeps two processes starting at once from racing on CREATE ... IF NOT EXISTS.
// The trigger tells every listening process (see pg-wakeups.ts) which partitions got rows, whoever
// wrote them; PostgreSQL delivers notifications only once their transaction commits, and folds the
// identical ones of a transaction into one. Created only when missing, so a role that does not own
// them can still start.
const SCHEMA_SQL = `
  SELECT pg_advisory_xact_lock(hashtext('recollect.bus.schema'));
  CREATE SCHEMA IF NOT EXISTS bus;
  CREATE TABLE IF NOT EXISTS bus.messages (
    "offset" bigserial PRIMARY KEY,
    topic text NOT NULL,
    partition integer NOT NULL,
    key text,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb,
    value jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS messages_topic_partition_offset_idx ON bus.messages (topic, partition, "offset");
  CREATE TABLE IF NOT EXISTS bus.consumer_offsets (
    group_id text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    committed_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
  );
  DO $$ BEGIN
    IF to_regprocedure('bus.notify_appended()') IS NULL THEN
      CREATE FUNCTION bus.notify_appended() RETURNS trigger LANGUAGE plpgsql AS $notify$
      BEGIN
        PERFORM pg_notify('${WAKEUP_CHANNEL}', NEW.partition || ':' || NEW.topic);
        RETURN NULL;
      END $notify$;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'messages_notify_appended' AND tgrelid = 'bus.messages'::regclass) THEN
      CREATE TRIGGER messages_notify_appended AFTER INSERT ON bus.messages FOR EACH ROW EXECUTE FUNCTION bus.notify_appended();
    END IF;
  END $$;`;

// Offsets come from one global sequence, so two concurrent writers to a partition could become visible
// out of order and a reader would skip the late one for good. Holding a per-(topic, partition) lock from
// before nextval() until commit makes every partition's visible rows a gap-free prefix. Locks are taken
// in a fixed order so two batches never deadlock; rows are inserted, and returned, in request order.
const APPEND_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY
      AS t(topic, partition, key, headers, value, position)
  ),
  partition_locks AS MATERIALIZED (
    SELECT pg_advisory_xact_lock(hashtext(topic), partition)
    FROM (SELECT DISTINCT topic, partition FROM input ORDER BY topic, partition) AS p
  )
  INSERT INTO bus.messages (topic, partition, key, headers, value)
  SELECT topic, partition, key, headers, value FROM input, (SELECT count(*) FROM partition_locks) AS locked
  ORDER BY position
  RETURNING "offset", created_at`;

// Appends, reads and commits run as named statements, planned once per connection instead of at every
// call: for a group commit of a few messages, planning the append cost PostgreSQL as much as running it.

/** Appends waiting while a batch is being written go together in the next one: one commit (one fsync) for all. */
const MAX_BATCH = 500;

const READ_SQL = `
  SELECT "offset", key, headers, value, created_at FROM bus.messages
  WHERE topic = $1 AND partition = $2 AND "offset" > $3
  ORDER BY "offset" LIMIT $4`;

// GREATEST: a late or repeated commit must never move a group backwards.
const COMMIT_SQL = `
  INSERT INTO bus.consumer_offsets (group_id, topic, partition, committed_offset) VALUES ($1, $2, $3, $4)
  ON CONFLICT (group_id, topic, partition) DO UPDATE
  SET committed_offset = GREATEST(bus.consumer_offsets.committed_offset, EXCLUDED.committed_offset), updated_at = now()`;

// One index range per partition, from the group's committed offset (the start, if it has none) on:
// the cost follows the backlog, not the log's length.
const BACKLOG_SQL = `
  SELECT coalesce(sum(waiting), 0)::int AS waiting FROM generate_series(0, $3::int - 1) AS p(partition),
  LATERAL (
    SELECT count(*) AS waiting FROM bus.messages m
    WHERE m.topic = $2 AND m.partition = p.partition AND m."offset" > coalesce(
      (SELECT committed_offset FROM bus.consumer_offsets c WHERE c.group_id = $1 AND c.topic = $2 AND c.partition = p.partition), 0)
  ) AS counted`;

interface MessageRow {
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
  created_at: Date;
}

/** The durable log behind the in-process bus: an append-only table plus committed offsets per group. */
interface PendingAppend {
  request: AppendRequest;
  resolve: (record: PublishedRecord) => void;
  reject: (error: unknown) => void;
}

export class PgLog {
  private readonly pending: PendingAppend[] = [];
  private flushing = false;

  constructor(private readonly pool: Pool) {}

  async ensureSchema(): Promise<void> {
    await this.pool.query(SCHEMA_SQL);
  }

  /** Resolves once the row is committed. Concurrent appends share a commit (group commit). */
  append(request: AppendRequest): Promise<PublishedRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (error) {
        // One message the database refuses must not fail the others it happened to share a commit with.
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const single of batch) await this.write([single]).catch(single.reject);
      }
    }
    this.flushing = false;
  }

  private async write(batch: PendingAppend[]): Promise<void> {
    const { rows } = await this.pool.query<{ offset: string; created_at: Date }>({
      name: 'bus-append',
      text: APPEND_SQL,
      values: [
        batch.map((b) => b.request.topic),
        batch.map((b) => b.request.partition),
        batch.map((b) => b.request.key),
        batch.map((b) => JSON.stringify(b.request.headers)),
        batch.map((b) => b.request.valueJson),
      ],
    });
    batch.forEach((b, i) => b.resolve({ topic: b.request.topic, partition: b.request.partition, offset: rows[i]!.offset, timestamp: rows[i]!.created_at }));
  }

  async read(topic: string, partition: number, afterOffset: string, limit: number): Promise<BusRecord[]> {
    const { rows } = await this.pool.query<MessageRow>({ name: 'bus-read', text: READ_SQL, values: [topic, partition, afterOffset, limit] });
    return rows.map((row) => ({
      topic,
      partition,
      offset: row.offset,
      key: row.key,
      headers: row.headers,
      value: row.value,
      timestamp: row.created_at,
    }));
  }

  /** The last offset this group finished on the partition; EARLIEST_OFFSET when it never consumed it. */
  async committedOffset(group: string, topic: string, partition: number): Promise<string> {
    const { rows } = await this.pool.query<{ committed_offset: string }>(
      'SELECT committed_offset FROM bus.consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3',
      [group, topic, partition],
    );
    return rows[0]?.committed_offset ?? EARLIEST_OFFSET;
  }

  /** Messages of the topic's first `partitions` partitions past what the group committed. */
  async backlog(group: string, topic: string, partitions: number): Promise<number> {
    const { rows } = await this.pool.query<{ waiting: number }>(BACKLOG_SQL, [group, topic, partitions]);
    return rows[0]!.waiting;
  }

  async commit(group: string, topic: string, partition: number, offset: string): Promise<void> {
    await this.pool.query({ name: 'bus-commit', text: COMMIT_SQL, values: [group, topic, partition, offset] });
  }
}
