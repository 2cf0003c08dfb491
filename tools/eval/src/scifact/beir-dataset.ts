import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BeirDocument {
  id: string;
  title: string;
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
  /** Judged documents and their grades. */
  judgements: Map<string, number>;
}

export interface BeirDataset {
  split: string;
  documents: BeirDocument[];
  /** Only queries with at least one judgement in the split, in file order. */
  queries: BeirQuery[];
}

/** Reads a BEIR folder: `corpus.jsonl`, `queries.jsonl` and `qrels/<split>.tsv`. Without a split: `test` if present, else `train`. */
export function loadBeir(folder: string, split?: string): BeirDataset {
  const chosen = split ?? (existsSync(join(folder, 'qrels', 'test.tsv')) ? 'test' : 'train');
  const qrelsFile = join(folder, 'qrels', `${chosen}.tsv`);
  for (const file of [join(folder, 'corpus.jsonl'), join(folder, 'queries.jsonl'), qrelsFile]) {
    if (!existsSync(file)) throw new Error(`${file} not found: --data must be a BEIR folder with corpus.jsonl, queries.jsonl and qrels/${chosen}.tsv`);
  }
  const judgements = new Map<string, Map<string, number>>();
  for (const line of readFileSync(qrelsFile, 'utf8').split('\n')) {
    const [queryId, documentId, grade] = line.trim().split('\t');
    if (!queryId || !documentId || grade === undefined || !/^-?\d+$/.test(grade)) continue; // header and blank lines
    if (!judgements.has(queryId)) judgements.set(queryId, new Map());
    judgements.get(queryId)!.set(documentId, Number(grade));
  }
  const documents = jsonLines<{ _id: string; title?: string; text?: string }>(join(folder, 'corpus.jsonl')).map((row) => ({
    id: String(row._id),
    title: (row.title ?? '').trim(),
    text: (row.text ?? '').trim(),
  }));
  const queries = jsonLines<{ _id: string; text: string }>(join(folder, 'queries.jsonl'))
    .filter((row) => judgements.has(String(row._id)))
    .map((row) => ({ id: String(row._id), text: row.text, judgements: judgements.get(String(row._id))! }));
  return { split: chosen, documents, queries };
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`${file}:${i + 1} is not JSON`);
      }
    });
}
