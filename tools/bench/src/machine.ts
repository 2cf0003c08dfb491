import { cpus, loadavg, totalmem } from 'node:os';
import { coresWorth, type CoreScaling } from './core-scaling';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run ended: other work on the machine skews every figure. */
  loadAverage: number;
  /** How fast a core is, and how much the cores slow each other, measured when the run began. */
  coreScaling?: CoreScaling;
  /** The share of the cores' time the hypervisor gave to other guests during the run. */
  stealShare?: number;
}

export function describeMachine(extra: Pick<Machine, 'coreScaling' | 'stealShare'> = {}): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    ...extra,
  };
}

/** The report's machine line. */
export function machineLine(machine: Machine): string {
  const parts = [
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverage} at the end of the run.`,
  ];
  const scaling = machine.coreScaling;
  if (scaling) {
    parts.push(
      `A fixed integer loop took ${Math.round(scaling.aloneMs)} ms on one core alone and ${Math.round(scaling.togetherMs)} ms with all ${scaling.cores} cores running it at once (together ${coresWorth(scaling).toFixed(2)} cores' worth): the first says how fast this host's cores were that day, the second whether they slow each other.`,
    );
  }
  if (machine.stealShare !== undefined) parts.push(`The hypervisor took ${(machine.stealShare * 100).toFixed(1)}% of the cores' time for other guests during the run (steal).`);
  return parts.join(' ');
}
