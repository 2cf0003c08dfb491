import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './stats';

export interface DurableWriteLatency {
  p50: number;
  p99: number;
  max: number;
}

/** A WAL page: PostgreSQL flushes its log in 8 KiB blocks. */
const PAGE = Buffer.alloc(8192, 0x5a);
/** Between probes, so that probing adds little to the load it measures. */
const PAUSE_MS = 5;

/**
 * How long the disk holding the benchmark's data takes to make one small append durable (write, then
 * fdatasync), as PostgreSQL does at every commit: no durable command can be acknowledged faster. Probes
 * `count` times, or, given `until`, until it settles (to see the disk while the service loads it).
 */
export async function measureDurableWrites(count: number, until?: Promise<unknown>): Promise<DurableWriteLatency> {
  let done = false;
  const stop = (): void => void (done = true);
  until?.then(stop, stop);
  const dir = await mkdtemp(join(tmpdir(), 'recollect-bench-disk-'));
  const file = await open(join(dir, 'wal'), 'w');
  const samples: number[] = [];
  try {
    while (until ? !done : samples.length < count) {
      await file.write(PAGE);
      const start = process.hrtime.bigint();
      await file.datasync();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      await sleep(PAUSE_MS);
    }
  } finally {
    await file.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
}
