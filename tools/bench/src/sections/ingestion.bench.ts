import { availableParallelism } from 'node:os';
import { loadEnv } from '@recollect/config';
import { createEmbedder, type Embedder } from '@recollect/embedder';
import { chunkText } from '@recollect/ingestion';
import { jsonClient, type JsonClient } from '../json-client';
import { describeCpu, machineTicks, stealShare, stolenNote, timeWithCpuOf, untilQuiet, type CpuSeconds } from '../cpu-accounting';
import type { Row, Section } from '../report';
import { startService } from '../service';
import { median, round } from '../stats';
import { paragraph, seededRandom } from '../synthetic-corpus';

/**
 * Rounds of the encoder alone and then the service, each round on documents of its own. On a shared
 * VM the cores' speed drifts by tens of percent within minutes, so each ratio is taken between two
 * runs a second apart, and the report gives the median round beside every round.
 */
const ROUNDS = 3;
const DOCUMENTS_PER_ROUND = 60;
/**
 * Each round's documents go to the service twice: one to a call (the verdict), then ten to a call, as
 * a bulk loader sends them, which shows how much of the distance is each request's and job's own cost.
 */
const DOCUMENTS_PER_BULK_CALL = 10;

/** Chunks per second from accepted command to searchable, against the encoder alone on the same kind of text. */
export async function benchIngestion(quick: boolean): Promise<Section> {
  const random = seededRandom(11);
  const rounds = Array.from({ length: quick ? 1 : ROUNDS }, () => Array.from({ length: quick ? 6 : DOCUMENTS_PER_ROUND }, () => paragraph(300, random)));

  // The baseline is the best the machine gives: one encoder per core, every core busy, run as the service runs its own.
  const env = loadEnv(process.env);
  const threads = availableParallelism();
  const embedder = createEmbedder({ kind: 'use-lite', threads, runtime: env.EMBEDDER_RUNTIME, niceness: env.EMBEDDER_NICENESS });
  // The very chunks the service will make of these documents, with its chunking settings.
  const chunking = { maxWords: env.CHUNK_MAX_WORDS ?? embedder.maxInputWords, overlapWords: env.CHUNK_OVERLAP_WORDS };
  const chunksOf = (documents: string[]) => documents.flatMap((d) => chunkText(d, chunking).map((chunk) => chunk.text));
  const service = await startService();
  const client = jsonClient();
  try {
    await embedder.embed(chunksOf(rounds[0]!).slice(0, 8 * threads)); // load every worker's model outside the timing
    const headers = { authorization: `Bearer ${service.token('ingest', 'bench-org')}` };
    const api = `${service.url}/api/v1/context`;
    // Warm the service's encoder so model loading is not counted as throughput.
    await client.call('POST', `${api}/add`, headers, { documents: [{ content: 'Warm-up.' }], source: 'warm-up', context_type: 'resource' });

    const results: RoundResult[] = [];
    for (const [index, documents] of rounds.entries()) {
      // The service may still be maintaining its index after the last round: the baseline gets the cores to itself.
      await untilQuiet(service.child.pid!);
      const alone = await encoderAlone(embedder, chunksOf(documents));
      const serviceClient = { client, api, headers, pid: service.child.pid! };
      const through = await throughService(serviceClient, documents, `ingest-${index}-single-`, 1);
      await untilQuiet(service.child.pid!);
      const bulk = await throughService(serviceClient, documents, `ingest-${index}-bulk-`, DOCUMENTS_PER_BULK_CALL);
      for (const run of [through, bulk]) {
        if (run.chunks !== alone.chunks) throw new Error(`round ${index}: the service made ${run.chunks} chunks of the documents, the benchmark ${alone.chunks}`);
      }
      results.push({ alone, through, ratio: through.rate / alone.rate, bulk });
    }
    return report(results, threads);
  } finally {
    client.close();
    await embedder.close?.();
    await service.stop();
  }
}

/**
 * One timed run: its rate and the time it is taken over, then the CPU its parts used over the span it
 * was read across (for the service, up to the status read that saw the last job finished, a little
 * after the rate's clock stops), and the share of the cores stolen meanwhile.
 */
interface Run {
  rate: number;
  chunks: number;
  seconds: number;
  cpu: CpuSeconds | undefined;
  cpuSeconds: number;
  stolen: number | undefined;
}

interface RoundResult {
  alone: Run;
  through: Run & { ownSeconds: number };
  ratio: number;
  /** The same documents, DOCUMENTS_PER_BULK_CALL to a call. */
  bulk: Run;
}

/** The benchmark's own encoder pool on the round's chunks, in one call, as the pool batches them. */
async function encoderAlone(embedder: Embedder, chunks: string[]): Promise<Run> {
  const ticksBefore = machineTicks();
  const run = await timeWithCpuOf(process.pid, () => embedder.embed(chunks));
  const seconds = run.ms / 1000;
  return { rate: chunks.length / seconds, chunks: chunks.length, seconds, cpu: run.cpu, cpuSeconds: seconds, stolen: stealShare(ticksBefore, machineTicks()) };
}

interface ServiceClient {
  client: JsonClient;
  api: string;
  headers: Record<string, string>;
  pid: number;
}

/** Posts the round's documents, `perCall` to a call, one call after another, then reads when the last of them became searchable. */
async function throughService({ client, api, headers, pid }: ServiceClient, documents: string[], sourcePrefix: string, perCall: number): Promise<Run & { ownSeconds: number }> {
  const ownCpuBefore = process.cpuUsage();
  const ticksBefore = machineTicks();
  const startedAt = Date.now();
  const ingest = await timeWithCpuOf(pid, async () => {
    const jobIds: string[] = [];
    for (let i = 0; i < documents.length; i += perCall) {
      const response = await client.call<{ jobId: string }>('POST', `${api}/add-async`, headers, {
        documents: documents.slice(i, i + perCall).map((content) => ({ content })),
        source: `${sourcePrefix}${i}`,
        context_type: 'resource',
        scope: 'internal',
        metadata: { fileName: `${sourcePrefix}${i}.txt` },
      });
      if (response.status !== 201) throw new Error(`add-async answered ${response.status}`);
      jobIds.push(response.body.jobId);
    }
    return lastFinish(client, api, headers, jobIds);
  });
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const stolen = stealShare(ticksBefore, machineTicks());
  const docs = (await client.call<{ documents: Array<{ source: string; chunkCount: number }> }>('GET', `${api}/view/docs`, headers)).body;
  const chunks = docs.documents.filter((d) => d.source.startsWith(sourcePrefix)).reduce((sum, d) => sum + d.chunkCount, 0);
  const seconds = (ingest.value - startedAt) / 1000;
  return { rate: chunks / seconds, chunks, seconds, cpu: ingest.cpu, cpuSeconds: ingest.ms / 1000, stolen, ownSeconds: (ownCpu.user + ownCpu.system) / 1e6 };
}

/** Between status reads of a job not yet finished. */
const POLL_INTERVAL_MS = 250;

/** Waits for every job to finish and answers the latest `finishedOn`, in epoch ms. */
export async function lastFinish(client: JsonClient, api: string, headers: Record<string, string>, jobIds: string[]): Promise<number> {
  let latest = 0;
  for (const jobId of jobIds) {
    for (;;) {
      const job = (await client.call<{ status: string; finishedOn: string | null }>('GET', `${api}/add-async/${jobId}/status`, headers)).body;
      if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`job ${jobId} ${job.status}`);
      if (job.status === 'completed' && job.finishedOn) {
        latest = Math.max(latest, Date.parse(job.finishedOn));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }
  return latest;
}

/** "median; rounds a, b, c" with more than one round; empty with one, whose figure is its own. */
const medianOfRounds = (values: number[], digits: number): string => (values.length > 1 ? `median; rounds ${values.map((v) => round(v, digits)).join(', ')}` : '');

function report(results: RoundResult[], threads: number): Section {
  const ratios = results.map((r) => r.ratio);
  const ratio = median(ratios);
  const aloneRates = results.map((r) => r.alone.rate);
  const serviceRates = results.map((r) => r.through.rate);
  const bulkRates = results.map((r) => r.bulk.rate);
  const bulkRatios = results.map((r) => r.bulk.rate / r.alone.rate);
  const counts = results.map((r) => r.alone.chunks);
  const chunks = counts.every((count) => count === counts[0]) ? `${counts[0]} chunks a round` : `${counts.join(', ')} chunks in the rounds`;
  return {
    title: 'ingestion throughput',
    rows: [
      { figure: 'encoder alone, same machine', value: `${round(median(aloneRates), 1)} chunks/s (${[medianOfRounds(aloneRates, 1), chunks].filter(Boolean).join('; ')}, the service's chunks of the round's documents, ${threads} threads)`, note: 'baseline' },
      { figure: 'accepted → searchable, through the service', value: `${round(median(serviceRates), 1)} chunks/s (${[medianOfRounds(serviceRates, 1), `${results[0]!.through.chunks} chunks`].filter(Boolean).join('; ')} in ${round(results[0]!.through.seconds, 1)} s in the first round)` },
      { figure: 'ratio to the encoder', value: `${round(ratio, 3)}×${ratios.length > 1 ? ` (${medianOfRounds(ratios, 3)})` : ''}`, target: '≥ 0.9×', met: ratio >= 0.9 },
      {
        figure: `the same documents, ${DOCUMENTS_PER_BULK_CALL} to a call`,
        value: `${round(median(bulkRates), 1)} chunks/s, ${round(median(bulkRatios), 3)}× the encoder${bulkRatios.length > 1 ? ` (${medianOfRounds(bulkRatios, 3)})` : ''}`,
        note: 'for comparison: a tenth of the requests and jobs for the same chunks; the verdict is on one document to a call',
      },
      ...cpuRows(results, threads),
    ],
    notes: [
      `${results.length === 1 ? 'One round' : `${results.length} rounds`} of: the benchmark's own encoder pool on the round's chunks, then the service on the round's documents, one to a call, then on the same documents again, ${DOCUMENTS_PER_BULK_CALL} to a call (under other sources and file names), each round on documents of its own. Each ratio is taken between two runs a second apart, since on a shared VM the cores' speed drifts by tens of percent within minutes; the verdict is on the median round.`,
      'Each run posts its documents (about 300 words each) with add-async, one call after another over a kept-alive node:http connection (lighter on the shared cores than fetch); the clock stops when the last job finished, at the `finishedOn` the service recorded for it (same machine, same clock). The CPU rows are those of the runs of one document to a call.',
      `Job status is read every ${POLL_INTERVAL_MS} ms, one job at a time in the order posted: the clock does not depend on how often, and the reads take little from the cores being measured.`,
    ],
  };
}

/** Where the CPU went in all rounds together: the encoder's share of the cores is what the ratio follows. */
function cpuRows(results: RoundResult[], cores: number): Row[] {
  const alone = total(results.map((r) => r.alone));
  const through = total(results.map((r) => r.through));
  if (!alone || !through) return [];
  const ownSeconds = results.reduce((sum, r) => sum + r.through.ownSeconds, 0);
  const coreShare = (cpu: CpuSeconds, seconds: number) => `${Math.round((100 * cpu.encoder) / (seconds * cores))}%`;
  return [
    {
      figure: 'CPU while the encoder ran alone',
      value: describeCpu(alone.cpu, alone.seconds),
      note: `the encoder threads had ${coreShare(alone.cpu, alone.seconds)} of the cores${stolenNote(alone.stolen)}`,
    },
    {
      figure: 'CPU while the service ingested',
      value: `${describeCpu(through.cpu, through.seconds)}; this benchmark, posting and polling, ${round(ownSeconds, 1)} s`,
      note: `the encoder threads had ${coreShare(through.cpu, through.seconds)} of the cores; at nice 10 they yield them to the rest of the pipeline${stolenNote(through.stolen)}`,
    },
  ];
}

/** The runs' CPU and the spans it was read over added up, and their steal weighted by those spans; undefined where /proc was missing. */
function total(runs: Run[]): { cpu: CpuSeconds; seconds: number; stolen: number | undefined } | undefined {
  if (runs.some((run) => !run.cpu)) return undefined;
  const seconds = runs.reduce((sum, run) => sum + run.cpuSeconds, 0);
  const keys = Object.keys(runs[0]!.cpu!) as Array<keyof CpuSeconds>;
  const cpu = Object.fromEntries(keys.map((key) => [key, runs.reduce((sum, run) => sum + run.cpu![key], 0)])) as unknown as CpuSeconds;
  const stolen = runs.every((run) => run.stolen !== undefined) ? runs.reduce((sum, run) => sum + run.stolen! * run.cpuSeconds, 0) / seconds : undefined;
  return { cpu, seconds, stolen };
}
