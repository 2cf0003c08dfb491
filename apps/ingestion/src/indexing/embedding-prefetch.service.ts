import { Inject, Injectable } from '@nestjs/common';
import { EMBEDDER, type Embedder } from '@recollect/embedder';

/**
 * Texts whose vectors may be waiting at once, across all partitions (8 by default, each looking a few
 * commands ahead): at 512 dimensions, 8 MB. The oldest commands' are dropped past it, and their
 * delivery encodes again.
 */
export const MAX_WAITING_TEXTS = 4096;

/**
 * Most texts of several jobs in one encoder call: the pool serves calls up to this size in order, and
 * splits each across its workers, 16 texts apiece on 2 cores.
 */
export const SHARED_CALL_TEXTS = 32;

interface Prefetched {
  texts: readonly string[];
  /** Undefined when encoding failed: the delivery then encodes for itself, and reports any error. */
  vectors: Promise<Float32Array[] | undefined>;
}

/**
 * Vectors made ahead of a command's delivery, by job id. Commands of one tenant are applied one after
 * another; encoding the next one while this one is written keeps the encoder busy instead of idle
 * during every write.
 */
@Injectable()
export class EmbeddingPrefetch {
  private readonly waiting = new Map<string, Prefetched>();
  private waitingTexts = 0;

  constructor(@Inject(EMBEDDER) private readonly embedder: Embedder) {}

  has(jobId: string): boolean {
    return this.waiting.has(jobId);
  }

  /** How many texts are being encoded, or waiting, for `jobId`; undefined if none. */
  textsOf(jobId: string): number | undefined {
    return this.waiting.get(jobId)?.texts.length;
  }

  /** Starts encoding `texts` for `jobId`, unless that is already under way. */
  start(jobId: string, texts: readonly string[]): void {
    this.startEach([{ jobId, texts }]);
  }

  /**
   * Starts encoding several jobs' texts, in order, those of consecutive jobs sharing an encoder call
   * up to SHARED_CALL_TEXTS: one document's few chunks make small batches, and the encoder does more
   * per second on fuller ones. Jobs already under way, or without texts, are left out.
   */
  startEach(jobs: ReadonlyArray<{ jobId: string; texts: readonly string[] }>): void {
    let group: Array<{ jobId: string; texts: readonly string[] }> = [];
    let groupTexts = 0;
    const flush = (): void => {
      if (group.length > 0) this.encodeTogether(group);
      group = [];
      groupTexts = 0;
    };
    for (const job of jobs) {
      if (job.texts.length === 0 || this.waiting.has(job.jobId) || group.some((member) => member.jobId === job.jobId)) continue;
      if (groupTexts + job.texts.length > SHARED_CALL_TEXTS) flush();
      group.push(job);
      groupTexts += job.texts.length;
    }
    flush();
  }

  /** The vectors started for `jobId`, if they were made from exactly these texts; undefined otherwise. */
  async take(jobId: string, texts: readonly string[]): Promise<Float32Array[] | undefined> {
    const prefetched = this.waiting.get(jobId);
    if (!prefetched) return undefined;
    this.discard(jobId);
    const same = prefetched.texts.length === texts.length && prefetched.texts.every((text, i) => text === texts[i]);
    return same ? prefetched.vectors : undefined;
  }

  private encodeTogether(jobs: ReadonlyArray<{ jobId: string; texts: readonly string[] }>): void {
    const all = this.embedder.embed(jobs.flatMap((job) => job.texts)).catch(() => undefined);
    let offset = 0;
    for (const { jobId, texts } of jobs) {
      const from = offset;
      offset += texts.length;
      this.waiting.set(jobId, { texts, vectors: all.then((vectors) => vectors?.slice(from, from + texts.length)) });
      this.waitingTexts += texts.length;
    }
    const newest = jobs[jobs.length - 1]!.jobId;
    for (const oldest of this.waiting.keys()) {
      if (this.waitingTexts <= MAX_WAITING_TEXTS || oldest === newest) break;
      this.discard(oldest);
    }
  }

  /** Drops what was made for `jobId`: its delivery will not take it (the job was skipped, or failed). */
  discard(jobId: string): void {
    const prefetched = this.waiting.get(jobId);
    if (!prefetched) return;
    this.waiting.delete(jobId);
    this.waitingTexts -= prefetched.texts.length;
  }
}
