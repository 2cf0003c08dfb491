import { join } from 'node:path';
import { busyShare, describeCpu, machineTicks, stealShare, stolenNote, timeWithCpuOf } from '../cpu-accounting';
import { measureDurableWrites } from '../durable-writes';
import type { LoadRequest, LoadResult } from '../load.worker';
import { runJson, spawnUntil } from '../processes';
import { REPO_ROOT, startService } from '../service';
import { round } from '../stats';
import type { Section } from '../report';
import { halfRateNotes, halfRateRows, measureHalfRate } from './add-async-half-rate';

const LOAD_WORKER = join(REPO_ROOT, 'tools/bench/dist/load.worker.js');
const BARE_SERVER = join(REPO_ROOT, 'tools/bench/dist/bare-fastify.server.js');

const body = JSON.stringify({
  documents: [{ content: 'Benchmark note __N__: the customer asked about pricing for the Scale plan and its support hours.' }],
  source: 'bench-__N__',
  context_type: 'resource',
  scope: 'internal',
  metadata: { fileName: 'bench-__N__.txt', fileType: 'text/plain', groupName: ['bench'] },
});

const load = (request: LoadRequest) => runJson<LoadResult>(LOAD_WORKER, [JSON.stringify(request)]);

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
  const half = await measureHalfRate(service, { url, headers: auth, body }, Math.max(1, Math.round(serviceMax.requestsPerSecond / 2)), quick);
  await service.stop();

  const ratio = serviceMax.requestsPerSecond / bareMax.requestsPerSecond;
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
      ...halfRateRows(half, diskAlone),
    ],
    notes: [
      `At the maximum: autocannon, ${connections} connections, ${durationSeconds} s per run, in its own process. Every request has its own source and fileName.`,
      ...halfRateNotes(half),
    ],
  };
}
