import { describe, expect, it } from 'vitest';
import { busyShare, cpuBetween, describeCpu, groupCpu, parseMachineTicks, parseStat, stealShare, type ThreadStat } from './cpu-accounting';

// A real line's shape (proc(5)): pid (comm) state ppid ... utime stime cutime cstime priority nice ...
const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number, nice = 0, cutime = 0, cstime = 0) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 ${utime} ${stime} ${cutime} ${cstime} ${20 + nice} ${nice} 12 0 5000 1000000 2000`;

describe('parseStat', () => {
  it('reads the name, parent, nice value and CPU ticks', () => {
    expect(parseStat(statLine(7, 'tokio-rt-worker', 1, 30, 12, 0, 5, 1))).toEqual({ name: 'tokio-rt-worker', ppid: 1, nice: 0, ticks: 42, childTicks: 6 });
    expect(parseStat(statLine(8, 'node', 1, 100, 1, 10)).nice).toBe(10);
  });

  it('keeps a name holding spaces and parentheses whole', () => {
    const stat = parseStat(statLine(9, 'a (b) c', 3, 4, 5));
    expect(stat).toMatchObject({ name: 'a (b) c', ppid: 3, ticks: 9 });
  });

  it('refuses a line that is not a stat line', () => {
    expect(() => parseStat('no name here')).toThrow(/not a \/proc stat line/);
  });
});

describe('groupCpu', () => {
  const threads = new Map<number, ThreadStat>([
    [100, parseStat(statLine(100, 'node', 1, 150, 50))],
    [101, parseStat(statLine(101, 'node', 1, 30, 10))],
    [102, parseStat(statLine(102, 'tokio-rt-worker', 1, 20, 5))],
    [103, parseStat(statLine(103, 'lance-cpu', 1, 5, 0))],
    [104, parseStat(statLine(104, 'node', 1, 600, 20, 10))],
  ]);
  const processes = new Map<number, ThreadStat>([
    [200, parseStat(statLine(200, 'postgres', 100, 10, 10, 0, 30, 10))], // the postmaster, with exited backends
    [201, parseStat(statLine(201, 'postgres', 200, 40, 20))], // a live backend
    [300, parseStat(statLine(300, 'postgres', 1, 999, 999))], // another service's PostgreSQL
  ]);

  it("sorts threads by what they run and counts only this process's PostgreSQL", () => {
    expect(groupCpu(100, threads, processes)).toEqual({ mainThread: 2, encoder: 6.2, indexEngine: 0.3, nodeHelpers: 0.4, postgres: 1.2 });
  });

  it('takes differences between snapshots, never below zero', () => {
    const before = { mainThread: 1, encoder: 2, indexEngine: 0, nodeHelpers: 1, postgres: 3 };
    const after = { mainThread: 1.5, encoder: 5, indexEngine: 0.25, nodeHelpers: 1, postgres: 2.5 };
    expect(cpuBetween(before, after)).toEqual({ mainThread: 0.5, encoder: 3, indexEngine: 0.25, nodeHelpers: 0, postgres: 0 });
  });
});

describe('parseMachineTicks', () => {
  it('counts idle and iowait as idle, steal as busy and apart, and ignores guest time (already in user)', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseMachineTicks('cpu  266389 87583 89852 2068727 3157 0 6549 33954 500 0')).toEqual({ busy: 484327, total: 2556211, steal: 33954 });
  });

  it('refuses a line that is not the cpu line', () => {
    expect(() => parseMachineTicks('intr 1 2 3')).toThrow(/not a \/proc\/stat cpu line/);
  });
});

describe('busyShare and stealShare', () => {
  it('are the busy and stolen shares of the ticks between two readings', () => {
    expect(busyShare({ busy: 100, total: 400, steal: 0 }, { busy: 250, total: 600, steal: 20 })).toBe(0.75);
    expect(stealShare({ busy: 100, total: 400, steal: 0 }, { busy: 250, total: 600, steal: 20 })).toBe(0.1);
  });

  it('are undefined without time between the readings or without /proc', () => {
    expect(busyShare({ busy: 100, total: 400, steal: 0 }, { busy: 100, total: 400, steal: 0 })).toBeUndefined();
    expect(stealShare(undefined, { busy: 100, total: 400, steal: 0 })).toBeUndefined();
  });
});

describe('describeCpu', () => {
  it('gives each part its seconds and share of one core, leaving out the idle ones', () => {
    const cpu = { mainThread: 1.2, encoder: 11.8, indexEngine: 0, nodeHelpers: 0.04, postgres: 0.4 };
    expect(describeCpu(cpu, 8)).toBe('main thread 1.2 s (15% of one core); encoder threads 11.8 s (148% of one core); PostgreSQL 0.4 s (5% of one core)');
  });
});
