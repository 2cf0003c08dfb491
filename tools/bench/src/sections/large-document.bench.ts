import { setTimeout as delay } from 'node:timers/promises';
import { jsonClient, type JsonClient } from '../json-client';
import type { Section } from '../report';
import { startService } from '../service';
import { percentile, round } from '../stats';
import { paragraph, seededRandom } from '../synthetic-corpus';
import { lastFinish } from './ingestion.bench';

/** Between two readiness probes, one at a time: often enough to see any stall of more than a few ms. */
const PROBE_INTERVAL_MS = 5;
/** Of probes on the idle service, for the baseline. */
const IDLE_SECONDS = 3;

/**
 * How long a request waits while one large document is ingested, against the same requests to the
 * idle service: cutting a document of megabytes into chunks is long work on the event loop that also
 * answers requests (see "Large documents" in the README).
 */
export async function benchLargeDocument(quick: boolean): Promise<Section> {
  const characters = quick ? 256 * 1024 : 2 * 1024 * 1024;
  const idleSeconds = quick ? 1 : IDLE_SECONDS;
  const random = seededRandom(23);
  let content = '';
  while (content.length < characters) content += `${paragraph(300, random)}\n\n`;

  const service = await startService();
  const client = jsonClient();
  try {
    const headers = { authorization: `Bearer ${service.token('large', 'bench-org')}` };
    const api = `${service.url}/api/v1/context`;
    // Loads the encoder, so the idle figures are not taken beside a model loading.
    await client.call('POST', `${api}/add`, headers, { documents: [{ content: 'Warm-up.' }], source: 'warm-up', context_type: 'resource' });

    const idle = await probeReadiness(client, service.url, () => delay(idleSeconds * 1000));
    const startedAt = Date.now();
    const ingesting = await probeReadiness(client, service.url, async () => {
      const posted = await client.call<{ jobId: string }>('POST', `${api}/add-async`, headers, {
        documents: [{ content }],
        source: 'large',
        context_type: 'resource',
        metadata: { fileName: 'large.txt' },
      });
      if (posted.status !== 201) throw new Error(`add-async of the large document answered ${posted.status}`);
      await lastFinish(client, api, headers, [posted.body.jobId]);
    });
    const seconds = (Date.now() - startedAt) / 1000;
    const docs = (await client.call<{ documents: Array<{ source: string; chunkCount: number }> }>('GET', `${api}/view/docs`, headers)).body;
    const chunks = docs.documents.find((doc) => doc.source === 'large')?.chunkCount ?? 0;

    const size = `${round(characters / 1024 / 1024, 2)} MiB`;
    return {
      title: 'responsiveness while a large document is ingested',
      rows: [
        { figure: 'GET /health/ready, idle service', value: latencies(idle), note: 'baseline' },
        { figure: `the same while one ${size} document is ingested`, value: latencies(ingesting), note: `${chunks} chunks, accepted to searchable in ${round(seconds, 1)} s` },
        { figure: 'longest wait, ingesting / idle', value: `${round(Math.max(...ingesting) / Math.max(...idle), 1)}×` },
      ],
      notes: [
        `One request at a time, ${PROBE_INTERVAL_MS} ms apart, first for ${idleSeconds} s on the idle service, then from the moment the document is posted (one add-async call) until its job has finished. The readiness check answers from the gateway's event loop after one PostgreSQL query: it waits for whatever else holds that loop.`,
        'The document is synthetic text in paragraphs of 300 words. Its longest wait includes the gateway reading and validating the request that carries it.',
      ],
    };
  } finally {
    client.close();
    await service.stop();
  }
}

/** Readiness probes, one after another, for as long as `work` runs; their latencies in ms. */
async function probeReadiness(client: JsonClient, url: string, work: () => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let working = true;
  const probing = (async () => {
    while (working) {
      const started = performance.now();
      const { status } = await client.call('GET', `${url}/health/ready`, {});
      if (status !== 200) throw new Error(`/health/ready answered ${status}`);
      latencies.push(performance.now() - started);
      await delay(PROBE_INTERVAL_MS);
    }
  })();
  await Promise.all([work().finally(() => (working = false)), probing]);
  return latencies;
}

const latencies = (samples: number[]): string =>
  `p50 ${round(percentile(samples, 50), 1)} ms, p99 ${round(percentile(samples, 99), 1)} ms, max ${round(Math.max(...samples), 1)} ms (${samples.length} requests)`;
