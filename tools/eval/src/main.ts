import { parseArgs } from 'node:util';
import { DetailsFile } from './details';
import { startEvalStack } from './eval-stack';
import { loadLocomo } from './locomo/locomo-dataset';
import { ingestConversations, scoreQuestions } from './locomo/locomo.runner';
import { loadBeir } from './scifact/beir-dataset';
import { ingestCorpus, scoreQueries } from './scifact/scifact.runner';

const USAGE = `usage: npm run eval -- <scifact|locomo> --data <path> [options]

  scifact --data <BEIR folder> [--split train|test]   nDCG@10 and Recall@100 of /api/v1/context/search
  locomo  --data <locomo json>                         turn Recall@5, Recall@10, Hit@10 of /open/v1/memory/retrieve

options:
  --mode fast|standard      search mode of scifact (default standard); retrieve always runs standard
  --queries <n>             only the first n queries or questions (a quick look; not comparable to full runs)
  --embedding-cache <dir>   keep vectors on disk between runs (same figures, faster re-runs)
  --details <file>          also write one JSON line per query or question: what it was, what was
                            relevant, what came back (ids, best first) and its figures

The instance is configured like the service, from the environment: EMBEDDER, CHUNK_MAX_WORDS, ...
The last line printed is one JSON object with the figures.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      split: { type: 'string' },
      mode: { type: 'string', default: 'standard' },
      queries: { type: 'string' },
      'embedding-cache': { type: 'string' },
      details: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dataset = positionals[0];
  if (values.help || !dataset || !values.data) return usage(values.help ? 0 : 2);
  if (values.mode !== 'fast' && values.mode !== 'standard') throw new Error(`--mode must be fast or standard, got ${values.mode}`);
  const mode = values.mode;
  const queryLimit = values.queries === undefined ? undefined : positiveInteger(values.queries, '--queries');
  const details = values.details === undefined ? undefined : new DetailsFile(values.details);

  switch (dataset) {
    case 'scifact': {
      const data = loadBeir(values.data, values.split);
      const queries = queryLimit ? data.queries.slice(0, queryLimit) : data.queries;
      process.stderr.write(`scifact (${data.split}): ${data.documents.length} documents, ${queries.length} queries, mode ${mode}\n`);
      const stack = await startEvalStack({ embeddingCache: values['embedding-cache'] });
      try {
        const client = stack.client('scifact');
        await ingestCorpus(client, data);
        const result = await scoreQueries(client, { ...data, queries }, { mode }, details?.sink);
        details?.write();
        printResult({ dataset: 'scifact', split: data.split, mode, ...result });
      } finally {
        await stack.stop();
      }
      return;
    }
    case 'locomo': {
      const data = loadLocomo(values.data);
      const questions = queryLimit ? data.questions.slice(0, queryLimit) : data.questions;
      // A quick look ingests only the conversations its questions ask about.
      const conversations = data.conversations.filter((c) => questions.some((q) => q.conversation === c.id));
      process.stderr.write(`locomo: ${conversations.length} conversations, ${questions.length} questions\n`);
      const stack = await startEvalStack({ embeddingCache: values['embedding-cache'] });
      try {
        const client = stack.client('locomo');
        await ingestConversations(client, conversations);
        const result = await scoreQuestions(client, questions, details?.sink);
        details?.write();
        printResult({ dataset: 'locomo', ...result });
      } finally {
        await stack.stop();
      }
      return;
    }
    default:
      process.stderr.write(`unknown dataset ${dataset}\n`);
      return usage(2);
  }
}

function printResult(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function positiveInteger(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return parsed;
}

function usage(code: number): void {
  (code === 0 ? process.stdout : process.stderr).write(`${USAGE}\n`);
  process.exitCode = code;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`eval failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
