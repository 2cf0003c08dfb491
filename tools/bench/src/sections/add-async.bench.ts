import { join } from 'node:path';
import { busyShare, describeCpu, machineTicks, stealShare, stolenNote, timeWithCpuOf } from '../cpu-accounting';
import { measureDurableWrites, type DurableWriteLatency } from '../durable-writes';
import { eventLoopDelay, histogramDelta, scrapeMetrics, type EventLoopDelay, type HistogramDelta } from '../service-metrics';
import type { LoadRequest, LoadResult } from '../load.worker';
import type { PacedLoadRequest, PacedLoadResult } from '../paced-load';
import { runJson, spawnUntil } from '../processes';
import { REPO_ROOT, startService } from '../service';
import { median, round } from '../stats';
import type { Section } from '../report';

const LOAD_WORKER = join(REPO_ROOT, 'tools/bench/dist/load.worker.js');
const PACED_LOAD_WORKER = join(REPO_ROOT, 'tools/bench/dist/paced-load.worker.js');
const BARE_SERVER = join(REPO_ROOT, 'tools/bench/dist/bare-fastify.server.js');

const body = JSON.stringify({
  documents: [{ content: 'Benchmark note __N__: the customer asked about pricing for the Scale plan and its support hours.' }],
  source: 'bench-__N__',
  context_type: 'resource',
  scope: 'internal',
  metadata: { fileName: 'bench-__N__.txt', fileType: 'text/plain', groupName: ['bench'] },
});

const latency = ({ p50, p99, max }: DurableWriteLatency | EventLoopDelay): string => `p50 ${round(p50, 2)} ms, p99 ${round(p99, 2)} ms, max ${round(max, 1)} ms`;

const waited = ({ count, meanMs, p50AtMostMs, p99AtMostMs }: HistogramDelta, what: string): string =>
  count === 0 ? `no ${what}` : `mean ${round(meanMs, 2)} ms; median ≤ ${p50AtMostMs} ms, p99 ≤ ${p99AtMostMs} ms (${count} ${what})`;

const load = (request: LoadRequest) => runJson<LoadResult>(LOAD_WORKER, [JSON.stringify(request)]);
const pacedLoad = (request: PacedLoadRequest) => runJson<PacedLoadResult>(PACED_LOAD_WORKER, [JSON.stringify(request)]);

/**
 * The half-rate p99 comes from the slowest 1% of requests, which one disk stall or collection can set
 * on its own: several shorter runs, back to back, and their median, say more than one long run.
 * Each run starts from idle, and its first second or two open connections and wake the pipeline, with a
 * p99 several times the settled one: that warm-up is sent at the rate before the measured part and
 * reported beside it.
 */
const HALF_RATE = { runs: 3, seconds: 10, warmUpSeconds: 2 };
const HALF_RATE_QUICK = { runs: 1, seconds: 3, warmUpSeconds: 1 };

async function halfRateRuns(run: () => Promise<PacedLoadResult>, count: number): Promise<PacedLoadResult[]> {
  const results: PacedLoadResult[] = [];
  for (let i = 0; i < count; i += 1) results.push(await run());
  return results;
}

/**
 * add-async (JWT, validation, durable command) against a bare Fastify JSON route, both loaded to the
 * maximum by autocannon from a third process; then add-async at half that rate, paced.
 */
export async function benchAddAsync(quick: boolean): Promise<Section> {
  const durationSeconds = quick ? 3 : 15;
  const connections = 32;
  const headers = { 'content-type': 'application/json' };

  const diskAlone = await measureDurableWrites(quick ? 100 : 1000);
  const bare = await spawnUntil(BARE_SERVER, [], process.env, (line) => (line.startsWith('{') ? (JSON.parse(line) as { url: string }).url : undefined));
  const bareMax = await load({ url: `${bare.value}/echo`, headers, body, connections, durationSeconds });
  await bare.stop();

  // Ingestion runs as it always does, consuming the commands while the gateway takes them.
  const service = await startService();
  const url = `${service.url}/api/v1/context/add-async`;
  const auth = { ...headers, authorization: `Bearer ${service.token('bench', 'bench-org')}` };
  await load({ url, headers: auth, body, connections: 4, durationSeconds: 1 }); // warm-up
  const machineBefore = machineTicks();
  const { value: serviceMax, cpu: cpuAtMax, ms: maxMs } = await timeWithCpuOf(service.child.pid!, () => load({ url, headers: auth, body, connections, durationSeconds }));
  const machineAfter = machineTicks();
  const machineBusy = busyShare(machineBefore, machineAfter);
  const machineStolen = stealShare(machineBefore, machineAfter);
  const halfRate = Math.max(1, Math.round(serviceMax.requestsPerSecond / 2));
  const metricsBeforeHalf = await scrapeMetrics(service.url); // also starts the event-loop figures afresh
  const paced = quick ? HALF_RATE_QUICK : HALF_RATE;
  const halfRuns = halfRateRuns(() => pacedLoad({ url, headers: auth, body, rate: halfRate, warmUpSeconds: paced.warmUpSeconds, durationSeconds: paced.seconds }), paced.runs);
  const machineBeforeHalf = machineTicks();
  const [{ value: halfResults, cpu: cpuAtHalf, ms: halfMs }, diskAtHalf] = await Promise.all([timeWithCpuOf(service.child.pid!, () => halfRuns), measureDurableWrites(0, halfRuns)]);
  const machineAfterHalf = machineTicks();
  const halfBusy = busyShare(machineBeforeHalf, machineAfterHalf);
  const metricsAfterHalf = await scrapeMetrics(service.url);
  const loopAtHalf = eventLoopDelay(metricsAfterHalf);
  const fileNameCheck = histogramDelta(metricsBeforeHalf, metricsAfterHalf, 'recollect_gateway_request_duration_seconds', 'pattern="context.file-exists.rpc.v1"');
  const commandStored = histogramDelta(metricsBeforeHalf, metricsAfterHalf, 'recollect_gateway_command_duration_seconds', 'topic="context.commands.v1",outcome="stored"');
  await service.stop();
  const halfP99s = halfResults.map((run) => round(run.p99, 1));
  // Requests of one run: the stall is compared with one run's slowest 1%, which is what its p99 is.
  const atHalf = {
    p99: median(halfP99s),
    p50: round(median(halfResults.map((run) => run.p50)), 1),
    sentLateP99: round(median(halfResults.map((run) => run.sentLate.p99)), 1),
    failed: halfResults.reduce((sum, run) => sum + run.non2xx + run.errors + run.warmUp.non2xx + run.warmUp.errors, 0),
    warmUpP99s: halfResults.map((run) => round(run.warmUp.p99, 1)),
    totalPerRun: halfResults.reduce((sum, run) => sum + run.total, 0) / halfResults.length,
  };

  const ratio = serviceMax.requestsPerSecond / bareMax.requestsPerSecond;
  // A stall holds every request that arrives while it lasts; past 1% of the run's requests, it alone sets the p99.
  const heldByLongestStall = Math.min(1, (halfRate * diskAtHalf.max) / 1000 / Math.max(1, atHalf.totalPerRun));
  return {
    title: 'add-async throughput',
    rows: [
      { figure: 'bare Fastify JSON route, max', value: `${round(bareMax.requestsPerSecond, 0)} req/s (p50 ${bareMax.p50} ms, p99 ${bareMax.p99} ms)`, note: 'baseline' },
      { figure: 'POST /api/v1/context/add-async, max', value: `${round(serviceMax.requestsPerSecond, 0)} req/s (p50 ${serviceMax.p50} ms, p99 ${serviceMax.p99} ms)`, note: `${serviceMax.non2xx} non-2xx, ${serviceMax.errors} errors` },
      { figure: 'ratio to the bare route', value: `${round(ratio, 3)}×`, target: '≥ 0.3×', met: ratio >= 0.3 },
      ...(cpuAtMax
        ? [
            {
              figure: 'CPU of the service during the max run',
              value: describeCpu(cpuAtMax, maxMs / 1000),
              note: machineBusy === undefined ? undefined : `all cores ${Math.round(machineBusy * 100)}% busy, the load generator included${stolenNote(machineStolen)}`,
            },
          ]
        : []),
      {
        figure: `p99 at half that rate (${halfRate} req/s, one every ${round(1000 / halfRate, 2)} ms)`,
        value: `${atHalf.p99} ms (p50 ${atHalf.p50} ms)${halfP99s.length > 1 ? `, the median of ${halfP99s.length} runs of ${paced.seconds} s whose p99s were ${halfP99s.join(', ')} ms` : ''}`,
        target: '≤ 20 ms',
        met: atHalf.p99 <= 20,
        note: `${atHalf.failed} non-2xx or failed; counted from when each request was due, which includes the generator's own lateness (p99 ${atHalf.sentLateP99} ms)`,
      },
      {
        figure: `the same runs' first ${paced.warmUpSeconds} s, from idle`,
        value: `p99 ${atHalf.warmUpP99s.join(', ')} ms`,
        note: 'sent at the same rate before each measured part and not in its figure: new connections, and the pipeline waking up',
      },
      { figure: 'one durable 8 KiB append on this disk, alone', value: latency(diskAlone), note: 'the floor under every commit' },
      {
        figure: 'the same, during the half-rate runs',
        value: latency(diskAtHalf),
        note: `its longest stall alone held about ${round(heldByLongestStall * 100, 1)}% of that run's requests (the p99 is the slowest 1%)`,
      },
      ...(cpuAtHalf
        ? [
            {
              figure: 'CPU of the service during the half-rate runs',
              value: describeCpu(cpuAtHalf, halfMs / 1000),
              note: `${halfBusy === undefined ? '' : `all cores ${Math.round(halfBusy * 100)}% busy, the load generator included${stolenNote(stealShare(machineBeforeHalf, machineAfterHalf))}; `}ingestion is still working through the commands of the maximum run`,
            },
          ]
        : []),
      {
        figure: "the service's event loop during the half-rate runs",
        value: latency(loopAtHalf),
        note: "how late a 10 ms timer fired (prom-client's sampling, the 10 ms taken off): what a request arriving then waited for the main thread",
      },
      {
        figure: 'during the half-rate runs: each question to ingestion whether file names are taken',
        value: waited(fileNameCheck, 'questions'),
        note: 'an add waits for its tenant\'s question out, if any, then asks in the next, with the adds that arrived meanwhile',
      },
      {
        figure: 'then, for each add: its command stored durably',
        value: waited(commandStored, 'commands'),
        note: 'a PostgreSQL commit shared by the commands that arrived meanwhile',
      },
    ],
    notes: [
      `At the maximum: autocannon, ${connections} connections, ${durationSeconds} s per run, in its own process. At half rate: an open-loop generator in its own process (tools/bench/src/paced-load.ts), ${paced.warmUpSeconds} s and then ${paced.seconds} s per run, sends one request every 1/rate s on kept-alive connections whether or not earlier ones were answered, and counts each latency from when the request was due, so a stall is charged to every request that arrived during it. Every request has its own source and fileName.`,
      "Why not autocannon's own rate limit: it gives each connection a budget per second and spends it as fast as answers come (`reqsMadeThisSecond` in its lib/httpClient.js, reset by a 1 s interval), so at half rate it sends each second's requests in a burst at full speed and then waits; against a server answering in 5 ms, 681 req/s all arrived within 200 to 300 ms of each second. Its correction for the requests it held back (`recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))` in lib/run.js) takes them to be due 1 ms apart. Its figure was that of a burst at full speed, not of half the rate.",
      "A command is acknowledged once PostgreSQL has flushed it to disk (concurrent requests share a flush), while ingestion, still working through the commands of the maximum run, commits its own work to the same disk and takes its CPU from the same cores. The durable-append rows, probed from the benchmark process every 5 ms, say how much of the latency the disk can explain; the CPU row, how the cores were shared; the event-loop row, how much waiting for the service's own thread does. The question and command rows come from the gateway's histograms on `/metrics`, whose bucket bounds (1, 2.5, 5, 10, 25, 50 ms…) bound the percentiles.",
    ],
  };
}
