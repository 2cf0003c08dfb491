import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** LanceDB's own threads: tokio's runtime workers and blocking pool, and lance's CPU pool. */
export const LANCEDB_THREAD_NAME = /^(tokio-rt-worker|lance-)/;

/**
 * How often to look for threads the engine started since. Threads it starts from one of its lowered
 * threads inherit the nice value at once; the look catches those started from anywhere else.
 */
const RESCAN_MS = 5_000;

/** This process's threads, as Linux lists them under /proc. */
export interface ProcessThreads {
  /** Thread ids; undefined where there is no /proc. */
  ids(): number[] | undefined;
  /** The thread's name, or undefined once it has exited. */
  nameOf(id: number): string | undefined;
  setNiceness(id: number, niceness: number): void;
}

const procThreads: ProcessThreads = {
  ids: () => {
    try {
      return readdirSync('/proc/self/task').map(Number);
    } catch {
      return undefined;
    }
  },
  nameOf: (id) => {
    try {
      return readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  // Linux keeps a nice value per thread; setpriority() on a thread id sets that thread's alone.
  setNiceness: (id, niceness) => setPriority(id, niceness),
};

/**
 * Runs the engine's threads at a lower priority than the thread answering requests. Index writes and
 * their upkeep are bulk work: at the same priority they take the CPU from the HTTP path in bursts.
 * Measured on 2 cores in paired benchmark runs at nice 10 against 0: add-async answered about 5% more
 * requests per second, and ingestion's ratio to the encoder fell by about 0.02, since the encoder then
 * waits a little longer for each write. A scheduling hint only: where it is not allowed, or there is
 * no /proc, the threads keep the process's priority.
 */
export class EngineThreadPriority {
  private readonly lowered = new Set<number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly niceness: number,
    private readonly threads: ProcessThreads = procThreads,
  ) {}

  start(): void {
    if (this.niceness <= 0 || this.timer) return;
    this.lowerNewThreads();
    this.timer = setInterval(() => this.lowerNewThreads(), RESCAN_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Lowers each engine thread not seen before; returns how many it lowered. */
  lowerNewThreads(): number {
    const ids = this.threads.ids();
    if (!ids) return 0;
    const live = new Set(ids);
    // A thread id is reused once its thread exits: forget the ones gone.
    for (const id of this.lowered) if (!live.has(id)) this.lowered.delete(id);
    let count = 0;
    for (const id of ids) {
      if (this.lowered.has(id) || !LANCEDB_THREAD_NAME.test(this.threads.nameOf(id) ?? '')) continue;
      this.lowered.add(id);
      try {
        this.threads.setNiceness(id, this.niceness);
        count += 1;
      } catch {
        // Not allowed (a process already running above this nice value), or the thread just exited.
      }
    }
    return count;
  }
}
