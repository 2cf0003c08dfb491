import { join } from 'node:path';
import { busyShare, describeCpu, machineTicks, stealShare, stolenNote, timeWithCpuOf, type CpuSeconds } from '../cpu-accounting';
import { measureDurableWrites, type DurableWriteLatency } from '../durable-writes';
import { revivePacedResult, type PacedLoadRequest, type PacedLoadResult } from '../paced-load';
import { runJson } from '../processes';
import type { Row } from '../report';
import { eventLoopDelay, histogramDelta, metricSum, scrapeMetrics, type EventLoopDelay, type HistogramDelta } from '../service-metrics';
import { REPO_ROOT, type Service } from '../service';
import { median, round } from '../stats';

const PACED_LOAD_WORKER = join(REPO_ROOT, 'tools/bench/dist/paced-load.worker.js');

/**
 * The half-rate p99 comes from the slowest 1% of requests, which one disk stall or collection can set
 * on its own: several shorter runs, back to back, and their median, say more than one long run. Each
 * run's first seconds (a new generator process opening its connections) are sent at the rate before
 * the measured part and reported beside it.
 */
const HALF_RATE = { runs: 3, seconds: 10, warmUpSeconds: 2 };
const HALF_RATE_QUICK = { runs: 1, seconds: 3, warmUpSeconds: 1 };

const COMMANDS_TOPIC = 'topic="context.commands.v1"';
const INGESTION_BACKLOG = { name: 'recollect_bus_consumer_lag_messages', labels: `group="ingestion",${COMMANDS_TOPIC}` };

export interface HalfRate {
  rate: number;
  plan: typeof HALF_RATE;
  runs: PacedLoadResult[];
  cpu?: CpuSeconds;
  seconds: number;
  busy?: number;
  steal?: number;
  disk: DurableWriteLatency;
  loop: EventLoopDelay;
  fileNameCheck: HistogramDelta;
  commandStored: HistogramDelta;
  /** Read before the runs: `/metrics` reads the backlog from PostgreSQL at most every 5 s, so a later read may be stale. */
  ingestion: { backlogBefore: number; addJobsFinished: number };
}

const pacedLoad = async (request: PacedLoadRequest) => revivePacedResult(await runJson<unknown>(PACED_LOAD_WORKER, [JSON.stringify(request)]));

/** add-async at `rate`, paced, on the running service; with what the service and the disk did meanwhile. */
export async function measureHalfRate(service: Service, request: Omit<PacedLoadRequest, 'rate' | 'warmUpSeconds' | 'durationSeconds'>, rate: number, quick: boolean): Promise<HalfRate> {
  const plan = quick ? HALF_RATE_QUICK : HALF_RATE;
  const metricsBefore = await scrapeMetrics(service.url); // also starts the event-loop figures afresh
  const machineBefore = machineTicks();
  const timed = timeWithCpuOf(service.child.pid!, async () => {
    const runs: PacedLoadResult[] = [];
    for (let i = 0; i < plan.runs; i += 1) runs.push(await pacedLoad({ ...request, rate, warmUpSeconds: plan.warmUpSeconds, durationSeconds: plan.seconds }));
    return runs;
  });
  const [{ value: runs, cpu, ms }, disk] = await Promise.all([timed, measureDurableWrites(0, timed)]);
  const machineAfter = machineTicks();
  const metricsAfter = await scrapeMetrics(service.url);
  const addJobs = (text: string) => metricSum(text, 'recollect_ingestion_jobs_total', 'kind="add"');
  return {
    rate,
    plan,
    runs,
    cpu,
    seconds: ms / 1000,
    busy: busyShare(machineBefore, machineAfter),
    steal: stealShare(machineBefore, machineAfter),
    disk,
    loop: eventLoopDelay(metricsAfter),
    fileNameCheck: histogramDelta(metricsBefore, metricsAfter, 'recollect_gateway_request_duration_seconds', 'pattern="context.file-exists.rpc.v1"'),
    commandStored: histogramDelta(metricsBefore, metricsAfter, 'recollect_gateway_command_duration_seconds', `${COMMANDS_TOPIC},outcome="stored"`),
    ingestion: {
      backlogBefore: metricSum(metricsBefore, INGESTION_BACKLOG.name, INGESTION_BACKLOG.labels),
      addJobsFinished: addJobs(metricsAfter) - addJobs(metricsBefore),
    },
  };
}

const latency = ({ p50, p99, max }: DurableWriteLatency | EventLoopDelay): string => `p50 ${round(p50, 2)} ms, p99 ${round(p99, 2)} ms, max ${round(max, 1)} ms`;

const waited = ({ count, meanMs, p50AtMostMs, p99AtMostMs }: HistogramDelta, what: string): string =>
  count === 0 ? `no ${what}` : `mean ${round(meanMs, 2)} ms; median ≤ ${p50AtMostMs} ms, p99 ≤ ${p99AtMostMs} ms (${count} ${what})`;

const unanswered = ({ non2xx, failed }: { non2xx: number; failed: number }): number => non2xx + failed;

/** The half-rate rows of the report: the verdict, then what explains it. */
export function halfRateRows(half: HalfRate, diskAlone: DurableWriteLatency): Row[] {
  const { runs, plan } = half;
  const p99s = runs.map((run) => round(run.p99, 1));
  const p99 = median(p99s);
  const failures = runs.reduce((sum, run) => sum + unanswered(run), 0);
  const warmUpFailures = runs.reduce((sum, run) => sum + unanswered(run.warmUp), 0);
  const answeredPerRun = runs.reduce((sum, run) => sum + run.answered, 0) / runs.length;
  // A stall holds every request that arrives while it lasts; past 1% of a run's requests, it alone sets the p99.
  const heldByLongestStall = Math.min(1, (half.rate * half.disk.max) / 1000 / Math.max(1, answeredPerRun));
  const { backlogBefore, addJobsFinished } = half.ingestion;
  return [
    {
      figure: `p99 at half that rate (${half.rate} req/s, one every ${round(1000 / half.rate, 2)} ms)`,
      value: `${p99} ms (p50 ${round(median(runs.map((run) => run.p50)), 1)} ms)${runs.length > 1 ? `, the median of ${runs.length} runs of ${plan.seconds} s whose p99s were ${p99s.join(', ')} ms` : ''}`,
      target: '≤ 20 ms',
      // A run with refusals is no run at half rate: it cannot meet the target, whatever its answers took.
      met: failures === 0 && p99 <= 20,
      note: `${failures} non-2xx or failed; 2xx answers, counted from when each request was due, which includes the generator's own lateness (p99 ${round(median(runs.map((run) => run.sentLate.p99)), 1)} ms)`,
    },
    {
      figure: `the same runs' first ${plan.warmUpSeconds} s`,
      value: `p99 ${runs.map((run) => round(run.warmUp.p99, 1)).join(', ')} ms`,
      note: `${warmUpFailures} non-2xx or failed; sent at the same rate before each measured part and not in its figure: a new generator process opening its connections`,
    },
    { figure: 'one durable 8 KiB append on this disk, alone', value: latency(diskAlone), note: 'the floor under every commit' },
    {
      figure: 'the same, during the half-rate runs',
      value: latency(half.disk),
      note: `a stall as long as the longest holds about ${round(heldByLongestStall * 100, 1)}% of a run's requests (the p99 is the slowest 1%)`,
    },
    ...(half.cpu
      ? [
          {
            figure: 'CPU of the service during the half-rate runs',
            value: describeCpu(half.cpu, half.seconds),
            note: `${half.busy === undefined ? '' : `all cores ${Math.round(half.busy * 100)}% busy, the load generator included${stolenNote(half.steal)}; `}ingestion had ${backlogBefore} commands waiting when the runs began, and finished ${addJobsFinished} add jobs during them while the gateway stored ${half.commandStored.count} more`,
          },
        ]
      : []),
    {
      figure: "the service's event loop during the half-rate runs",
      value: latency(half.loop),
      note: "how late a 10 ms timer fired (prom-client's sampling, the 10 ms taken off): what a request arriving then waited for the main thread",
    },
    {
      figure: 'during the half-rate runs: each question to ingestion whether file names are taken',
      value: waited(half.fileNameCheck, 'questions'),
      note: "an add waits for its tenant's question out, if any, then asks in the next, with the adds that arrived meanwhile",
    },
    {
      figure: 'then, for each add: its command stored durably',
      value: waited(half.commandStored, 'commands'),
      note: 'a PostgreSQL commit shared by the commands that arrived meanwhile',
    },
  ];
}

export function halfRateNotes(half: HalfRate): string[] {
  return [
    `At half rate: an open-loop generator in its own process (tools/bench/src/paced-load.ts), ${half.plan.warmUpSeconds} s and then ${half.plan.seconds} s per run, sends one request every 1/rate s on kept-alive connections whether or not earlier ones were answered, and counts each 2xx answer's latency from when the request was due, so a stall is charged to every request that arrived during it.`,
    "Why not autocannon's own rate limit: it gives each connection a budget per second and spends it as fast as answers come (`reqsMadeThisSecond` in its lib/httpClient.js, reset by a 1 s interval), so at half rate it sends each second's requests in a burst at full speed and then waits; and its correction for the requests it held back (`recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))` in lib/run.js) takes them to be due 1 ms apart. Its figure was that of a burst at full speed, not of half the rate.",
    "A command is acknowledged once PostgreSQL has flushed it to disk (concurrent requests share a flush), while ingestion, working through the commands stored so far, commits its own work to the same disk and takes its CPU from the same cores. The durable-append rows, probed from the benchmark process every 5 ms (warm-ups included), say how much of the latency the disk can explain; the CPU row, how the cores were shared; the event-loop row, how much waiting for the service's own thread does. The question and command rows come from the gateway's histograms on `/metrics`, whose bucket bounds (1, 2.5, 5, 10, 25, 50 ms…) bound the percentiles.",
  ];
}
