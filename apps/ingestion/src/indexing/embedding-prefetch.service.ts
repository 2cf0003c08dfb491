import { Inject, Injectable } from '@nestjs/common';
import { EMBEDDER, type Embedder } from '@recollect/embedder';

/**
 * Commands whose vectors may be waiting at once, across all partitions (8 by default, each looking one
 * command ahead); older ones are dropped, and their delivery encodes again.
 */
const MAX_WAITING = 16;

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

  constructor(@Inject(EMBEDDER) private readonly embedder: Embedder) {}

  has(jobId: string): boolean {
    return this.waiting.has(jobId);
  }

  /** Starts encoding `texts` for `jobId`, unless that is already under way. */
  start(jobId: string, texts: readonly string[]): void {
    if (texts.length === 0 || this.waiting.has(jobId)) return;
    const vectors = this.embedder.embed(texts).catch(() => undefined);
    this.waiting.set(jobId, { texts, vectors });
    for (const oldest of this.waiting.keys()) {
      if (this.waiting.size <= MAX_WAITING) break;
      this.waiting.delete(oldest);
    }
  }

  /** The vectors started for `jobId`, if they were made from exactly these texts; undefined otherwise. */
  async take(jobId: string, texts: readonly string[]): Promise<Float32Array[] | undefined> {
    const prefetched = this.waiting.get(jobId);
    if (!prefetched) return undefined;
    this.waiting.delete(jobId);
    const same = prefetched.texts.length === texts.length && prefetched.texts.every((text, i) => text === texts[i]);
    return same ? prefetched.vectors : undefined;
  }
}
