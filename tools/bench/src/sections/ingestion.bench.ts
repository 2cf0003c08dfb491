import { availableParallelism } from 'node:os';
import { loadEnv } from '@recollect/config';
import { createEmbedder } from '@recollect/embedder';
import { chunkText } from '@recollect/ingestion';
import { jsonClient, type JsonClient } from '../json-client';
import { describeCpu, machineTicks, stealShare, stolenNote, timeWithCpuOf, type CpuSeconds } from '../cpu-accounting';
import type { Row, Section } from '../report';
import { startService } from '../service';
import { round } from '../stats';
import { paragraph, seededRandom } from '../synthetic-corpus';

/** Chunks per second from accepted command to searchable, against the encoder alone on the same kind of text. */
export async function benchIngestion(quick: boolean): Promise<Section> {
  const random = seededRandom(11);
  const documents = Array.from({ length: quick ? 6 : 60 }, () => paragraph(300, random));

  // The baseline is the best the machine gives: one encoder per core, every core busy.
  const threads = availableParallelism();
  const embedder = createEmbedder({ kind: 'use-lite', threads });
  // The very chunks the service will make of these documents, with its chunking settings.
  const env = loadEnv(process.env);
  const chunking = { maxWords: env.CHUNK_MAX_WORDS ?? embedder.maxInputWords, overlapWords: env.CHUNK_OVERLAP_WORDS };
  const sample = documents.flatMap((d) => chunkText(d, chunking).map((chunk) => chunk.text));
  await embedder.embed(sample.slice(0, 8 * threads)); // load every worker's model outside the timing
  const ticksBeforeEncoder = machineTicks();
  const encoder = await timeWithCpuOf(process.pid, () => embedder.embed(sample));
  const encoderStolen = stealShare(ticksBeforeEncoder, machineTicks());
  await embedder.close?.();
  const encoderRate = sample.length / (encoder.ms / 1000);

  const service = await startService();
  const client = jsonClient();
  try {
    const headers = { authorization: `Bearer ${service.token('ingest', 'bench-org')}` };
    const api = `${service.url}/api/v1/context`;
    // Warm the service's encoder so model loading is not counted as throughput.
    await client.call('POST', `${api}/add`, headers, { documents: [{ content: 'Warm-up.' }], source: 'warm-up', context_type: 'resource' });

    const ownCpuBefore = process.cpuUsage();
    const ticksBeforeService = machineTicks();
    const startedAt = Date.now();
    const ingest = await timeWithCpuOf(service.child.pid!, async () => {
      const jobIds: string[] = [];
      for (const [i, content] of documents.entries()) {
        const response = await client.call<{ jobId: string }>('POST', `${api}/add-async`, headers, {
          documents: [{ content }],
          source: `ingest-${i}`,
          context_type: 'resource',
          scope: 'internal',
          metadata: { fileName: `ingest-${i}.txt` },
        });
        if (response.status !== 201) throw new Error(`add-async answered ${response.status}`);
        jobIds.push(response.body.jobId);
      }
      return lastFinish(client, api, headers, jobIds);
    });
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const serviceStolen = stealShare(ticksBeforeService, machineTicks());
    const docs = (await client.call<{ documents: Array<{ source: string; chunkCount: number }> }>('GET', `${api}/view/docs`, headers)).body;
    const chunks = docs.documents.filter((d) => d.source.startsWith('ingest-')).reduce((sum, d) => sum + d.chunkCount, 0);
    const ingestSeconds = (ingest.value - startedAt) / 1000;
    const serviceRate = chunks / ingestSeconds;
    const ratio = serviceRate / encoderRate;
    return {
      title: 'ingestion throughput',
      rows: [
        { figure: 'encoder alone, same machine', value: `${round(encoderRate, 1)} chunks/s (the service's ${sample.length} chunks of these documents, ${threads} threads)`, note: 'baseline' },
        { figure: 'accepted → searchable, through the service', value: `${round(serviceRate, 1)} chunks/s (${chunks} chunks in ${round(ingestSeconds, 1)} s)` },
        { figure: 'ratio to the encoder', value: `${round(ratio, 3)}×`, target: '≥ 0.9×', met: ratio >= 0.9 },
        ...cpuRows({ cpu: encoder.cpu, seconds: encoder.ms / 1000, stolen: encoderStolen }, { cpu: ingest.cpu, seconds: ingest.ms / 1000, stolen: serviceStolen }, (ownCpu.user + ownCpu.system) / 1e6, threads),
      ],
      notes: [
        `${documents.length} documents of about 300 words, posted with add-async one after another over a kept-alive node:http connection (lighter on the shared cores than fetch); the clock stops when the last job finished, at the \`finishedOn\` the service recorded for it (same machine, same clock).`,
        `Job status is read every ${POLL_INTERVAL_MS} ms, one job at a time in the order posted: the clock does not depend on how often, and the reads take little from the cores being measured.`,
      ],
    };
  } finally {
    client.close();
    await service.stop();
  }
}

/** Between status reads of a job not yet finished. */
const POLL_INTERVAL_MS = 250;

/** Waits for every job to finish and answers the latest `finishedOn`, in epoch ms. */
async function lastFinish(client: JsonClient, api: string, headers: Record<string, string>, jobIds: string[]): Promise<number> {
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

/** One run's CPU by part, how long it took, and the share of the cores the hypervisor took meanwhile. */
interface RunCpu {
  cpu: CpuSeconds | undefined;
  seconds: number;
  stolen: number | undefined;
}

/** Where the CPU went in each run: the encoder's share of the cores is what the ratio follows. */
function cpuRows(alone: RunCpu, service: RunCpu, ownSeconds: number, cores: number): Row[] {
  if (!alone.cpu || !service.cpu) return [];
  const coreShare = (cpu: CpuSeconds, seconds: number) => `${Math.round((100 * cpu.encoder) / (seconds * cores))}%`;
  return [
    {
      figure: 'CPU while the encoder ran alone',
      value: describeCpu(alone.cpu, alone.seconds),
      note: `the encoder threads had ${coreShare(alone.cpu, alone.seconds)} of the cores${stolenNote(alone.stolen)}`,
    },
    {
      figure: 'CPU while the service ingested',
      value: `${describeCpu(service.cpu, service.seconds)}; this benchmark, posting and polling, ${round(ownSeconds, 1)} s`,
      note: `the encoder threads had ${coreShare(service.cpu, service.seconds)} of the cores; at nice 10 they yield them to the rest of the pipeline${stolenNote(service.stolen)}`,
    },
  ];
}
