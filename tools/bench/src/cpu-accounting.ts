import { readdirSync, readFileSync } from 'node:fs';
import { LANCEDB_THREAD_NAME } from '@recollect/search-index';
import { round, timeIt } from './stats';

/**
 * Where a process's CPU time goes, thread by thread, read from /proc (Linux; elsewhere every figure is
 * undefined). The benchmarks use it to say why a ratio is what it is: which threads shared the cores
 * with the one the baseline measures alone.
 */

/** /proc counts CPU time in USER_HZ clock ticks, 100 per second on every Linux build Node supports. */
const TICKS_PER_SECOND = 100;

export interface ThreadStat {
  name: string;
  ppid: number;
  nice: number;
  /** User plus system time of the thread (or process) itself, in ticks. */
  ticks: number;
  /** User plus system time of its waited-for children (exited PostgreSQL backends), in ticks. */
  childTicks: number;
}

/** Parses a /proc stat line. The name sits in parentheses and may itself hold spaces and parentheses. */
export function parseStat(line: string): ThreadStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  // Fields after the name, numbered as in proc(5) from field 3 (state).
  const fields = line.slice(close + 2).trim().split(/\s+/).map(Number);
  const field = (n: number) => fields[n - 3]!;
  return { name: line.slice(open + 1, close), ppid: field(4), nice: field(19), ticks: field(14) + field(15), childTicks: field(16) + field(17) };
}

/** CPU seconds used by the parts of the service, cumulative since each started. */
export interface CpuSeconds {
  /** The event loop: HTTP, validation, bus and PostgreSQL clients, every consumer. */
  mainThread: number;
  /** Threads running at a lower priority than the main thread: the encoder's workers. */
  encoder: number;
  /** LanceDB's own threads (tokio-rt-worker, lance-cpu). */
  indexEngine: number;
  /** Every other thread of the process: V8's garbage collector and compiler, libuv's pool. */
  nodeHelpers: number;
  /** The process's PostgreSQL children: the postmaster, its backends and helpers, live or exited. */
  postgres: number;
}

function readStat(path: string): ThreadStat | undefined {
  try {
    return parseStat(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // the thread or process ended between listing and reading
  }
}

/** Sorts threads and child processes into CpuSeconds; pure, so the grouping can be tested. */
export function groupCpu(pid: number, threads: Map<number, ThreadStat>, processes: Map<number, ThreadStat>): CpuSeconds {
  const mainNice = threads.get(pid)?.nice ?? 0;
  const groups: CpuSeconds = { mainThread: 0, encoder: 0, indexEngine: 0, nodeHelpers: 0, postgres: 0 };
  for (const [tid, stat] of threads) {
    const seconds = stat.ticks / TICKS_PER_SECOND;
    if (tid === pid) groups.mainThread += seconds;
    else if (LANCEDB_THREAD_NAME.test(stat.name)) groups.indexEngine += seconds;
    else if (stat.nice > mainNice) groups.encoder += seconds;
    else groups.nodeHelpers += seconds;
  }
  // The postmaster is a child of the service; backends are children of the postmaster.
  const postmasters = [...processes].filter(([, stat]) => stat.ppid === pid && stat.name === 'postgres').map(([id]) => id);
  for (const [id, stat] of processes) {
    if (postmasters.includes(id)) groups.postgres += (stat.ticks + stat.childTicks) / TICKS_PER_SECOND;
    else if (postmasters.includes(stat.ppid)) groups.postgres += stat.ticks / TICKS_PER_SECOND;
  }
  return groups;
}

/** A snapshot of a process's CPU by part; undefined where /proc is missing. */
export function cpuOf(pid: number): CpuSeconds | undefined {
  const threads = new Map<number, ThreadStat>();
  const processes = new Map<number, ThreadStat>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (stat) threads.set(Number(tid), stat);
    }
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(`/proc/${entry}/stat`);
      if (stat?.name === 'postgres') processes.set(Number(entry), stat);
    }
  } catch {
    return undefined;
  }
  return groupCpu(pid, threads, processes);
}

export function cpuBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  const keys = Object.keys(before) as Array<keyof CpuSeconds>;
  return Object.fromEntries(keys.map((key) => [key, Math.max(0, after[key] - before[key])])) as unknown as CpuSeconds;
}

/**
 * Resolves once process `pid` (its threads and PostgreSQL) has used under `maxCpuSeconds` of CPU over
 * `windowMs`, or at `deadlineMs`, whichever comes first; at once without /proc. Background work a
 * service left running (index maintenance after a write) would otherwise fall into the next timed run.
 */
export async function untilQuiet(pid: number, { windowMs = 500, maxCpuSeconds = 0.03, deadlineMs = 15_000 } = {}): Promise<void> {
  const total = (cpu: CpuSeconds | undefined) => (cpu ? Object.values(cpu).reduce((sum, seconds) => sum + seconds, 0) : undefined);
  const deadline = Date.now() + deadlineMs;
  let before = total(cpuOf(pid));
  while (before !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = total(cpuOf(pid));
    if (after === undefined || after - before < maxCpuSeconds) return;
    before = after;
  }
}

/** Times the work, and answers beside its value the CPU each part of process `pid` spent meanwhile (undefined without /proc). */
export async function timeWithCpuOf<T>(pid: number, work: () => Promise<T>): Promise<{ ms: number; value: T; cpu?: CpuSeconds }> {
  const before = cpuOf(pid);
  const timed = await timeIt(work);
  const after = cpuOf(pid);
  return { ...timed, cpu: before && after ? cpuBetween(before, after) : undefined };
}

/** Time of all cores so far, in ticks: busy, in all, and taken by the hypervisor for other guests (steal). */
export interface MachineTicks {
  busy: number;
  total: number;
  steal: number;
}

/** Parses the first line of /proc/stat: user nice system idle iowait irq softirq steal, in ticks. */
export function parseMachineTicks(line: string): MachineTicks {
  const cpu = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (cpu.length < 8 || cpu.some((value) => !Number.isFinite(value))) throw new Error(`not a /proc/stat cpu line: ${line.slice(0, 80)}`);
  const total = cpu.reduce((sum, value) => sum + value, 0);
  // Idle and iowait are the idle ones; steal counts as busy, since the cores were not free for this machine.
  return { busy: total - cpu[3]! - cpu[4]!, total, steal: cpu[7]! };
}

/** MachineTicks so far, from /proc/stat; undefined where it is missing. */
export function machineTicks(): MachineTicks | undefined {
  try {
    return parseMachineTicks(readFileSync('/proc/stat', 'utf8').split('\n')[0]!);
  } catch {
    return undefined;
  }
}

/** The share of all cores' time that was busy between two machineTicks readings. */
export function busyShare(before: MachineTicks | undefined, after: MachineTicks | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.busy - before.busy) / (after.total - before.total);
}

/** The share of all cores' time the hypervisor gave to other guests between two readings. */
export function stealShare(before: MachineTicks | undefined, after: MachineTicks | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return (after.steal - before.steal) / (after.total - before.total);
}

/** "; the hypervisor took N% of the cores' time for other guests (steal)" for a note; empty where /proc/stat is missing. */
export const stolenNote = (share: number | undefined): string => (share === undefined ? '' : `; the hypervisor took ${Math.round(share * 100)}% of the cores' time for other guests (steal)`);

/** "main thread 1.2 s (15% of one core); encoder threads ..." for a report row; parts that used no CPU are left out. */
export function describeCpu(cpu: CpuSeconds, seconds: number): string {
  const parts: Array<[string, number]> = [
    ['main thread', cpu.mainThread],
    ['encoder threads', cpu.encoder],
    ['LanceDB', cpu.indexEngine],
    ['V8 and libuv helpers', cpu.nodeHelpers],
    ['PostgreSQL', cpu.postgres],
  ];
  return parts
    .filter(([, value]) => value >= 0.05)
    .map(([name, value]) => `${name} ${round(value, 1)} s (${Math.round((100 * value) / seconds)}% of one core)`)
    .join('; ');
}
