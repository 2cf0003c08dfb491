import { describe, expect, it } from 'vitest';
import { coresWorth, measureCoreScaling } from './core-scaling';
import { describeMachine, machineLine } from './machine';

describe('coresWorth', () => {
  it("is the cores' work together in units of one core alone", () => {
    expect(coresWorth({ cores: 2, aloneMs: 500, togetherMs: 500 })).toBe(2);
    expect(coresWorth({ cores: 2, aloneMs: 500, togetherMs: 800 })).toBe(1.25);
  });
});

describe('measureCoreScaling', () => {
  it('times the loop alone and on every core at once, in worker threads', async () => {
    const scaling = await measureCoreScaling(1_000_000, 2);
    expect(scaling.cores).toBe(2);
    for (const ms of [scaling.aloneMs, scaling.togetherMs]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
  });
});

describe('machineLine', () => {
  const machine = { ...describeMachine(), cores: 2, cpuModel: 'Test CPU', memoryGiB: 8, node: 'v20.0.0', platform: 'linux x64', loadAverage: 1.5 };

  it('names the machine, and the core speed and steal when measured', () => {
    expect(machineLine(machine)).toBe('Machine: 2 cores (Test CPU), 8 GiB, Node v20.0.0, linux x64; load average 1.5 at the end of the run.');
    const line = machineLine({ ...machine, coreScaling: { cores: 2, aloneMs: 1000.4, togetherMs: 1250 }, stealShare: 0.034 });
    expect(line).toContain('took 1000 ms on one core alone and 1250 ms with all 2 cores running it at once (together 1.60 cores\' worth)');
    expect(line).toContain('took 3.4% of the cores\' time for other guests');
  });
});
