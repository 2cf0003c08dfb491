import type { Pool } from 'pg';
import type { BusRecord } from '../bus.context';

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
  );`;

// Offsets come from one global sequence, so two concurrent writers to a partition could become visible
// out of order and a reader would skip the late one for good. Holding a per-(topic, partition) lock from
// before nextval() until commit makes every partition's visible rows a gap-free prefix.
const APPEND_SQL = `
  WITH partition_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($1::text), $2::int))
  INSERT INTO bus.messages (topic, partition, key, headers, value)
  SELECT $1::text, $2::int, $3::text, $4::jsonb, $5::jsonb FROM partition_lock
  RETURNING "offset", created_at`;

const READ_SQL = `
  SELECT "offset", key, headers, value, created_at FROM bus.messages
  WHERE topic = $1 AND partition = $2 AND "offset" > $3
  ORDER BY "offset" LIMIT $4`;

// GREATEST: a late or repeated commit must never move a group backwards.
const COMMIT_SQL = `
  INSERT INTO bus.consumer_offsets (group_id, topic, partition, committed_offset) VALUES ($1, $2, $3, $4)
  ON CONFLICT (group_id, topic, partition) DO UPDATE
  SET committed_offset = GREATEST(bus.consumer_offsets.committed_offset, EXCLUDED.committed_offset), updated_at = now()`;

interface MessageRow {
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
  created_at: Date;
}

/** The durable log behind the in-process bus: an append-only table plus committed offsets per group. */
export class PgLog {
  constructor(private readonly pool: Pool) {}

  async ensureSchema(): Promise<void> {
    await this.pool.query(SCHEMA_SQL);
  }

  /** Resolves once the row is committed. */
  async append(request: AppendRequest): Promise<PublishedRecord> {
    const { rows } = await this.pool.query<{ offset: string; created_at: Date }>(APPEND_SQL, [
      request.topic,
      request.partition,
      request.key,
      JSON.stringify(request.headers),
      request.valueJson,
    ]);
    return { topic: request.topic, partition: request.partition, offset: rows[0].offset, timestamp: rows[0].created_at };
  }

  async read(topic: string, partition: number, afterOffset: string, limit: number): Promise<BusRecord[]> {
    const { rows } = await this.pool.query<MessageRow>(READ_SQL, [topic, partition, afterOffset, limit]);
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

  async commit(group: string, topic: string, partition: number, offset: string): Promise<void> {
    await this.pool.query(COMMIT_SQL, [group, topic, partition, offset]);
  }
}
