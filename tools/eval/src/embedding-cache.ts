import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '@recollect/database';
import type { EmbedOptions, Embedder } from '@recollect/embedder';

/**
 * Remembers vectors on disk by (model id, text), so re-running an evaluation skips the encoder for
 * texts it has seen. It wraps the service's embedder: ingestion still goes through the HTTP API.
 * `variant` keeps apart the vectors of one model made differently (USE-lite in int8 and in float),
 * which are close but not the same.
 */
export class CachingEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly maxInputWords: number;
  private readonly vectorsFile: string;
  private readonly keysFile: string;
  private readonly lockFile: string;
  private readonly known = new Map<string, Float32Array>();

  constructor(
    private readonly inner: Embedder,
    directory: string,
    variant?: string,
  ) {
    this.modelId = inner.modelId;
    this.dimension = inner.dimension;
    this.maxInputWords = inner.maxInputWords;
    const folder = join(directory, `${inner.modelId}-${inner.dimension}${variant ? `-${variant}` : ''}`.replace(/[^\w.@-]+/g, '_'));
    mkdirSync(folder, { recursive: true });
    this.vectorsFile = join(folder, 'vectors.f32');
    this.keysFile = join(folder, 'keys.txt');
    this.lockFile = join(folder, 'lock');
    // Two runs appending to one cache could interleave keys and vectors: one run per cache.
    lockFolder(this.lockFile);
    this.load();
  }

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    const keys = texts.map(keyOf);
    const missing = [...new Set(texts.filter((_, i) => !this.known.has(keys[i]!)))];
    if (missing.length > 0) {
      const vectors = await this.inner.embed(missing, options);
      const flat = new Float32Array(missing.length * this.dimension);
      vectors.forEach((vector, i) => flat.set(vector, i * this.dimension));
      // Vectors first, keys second: a crash in between leaves extra vectors, never a key without its vector.
      appendFileSync(this.vectorsFile, Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength));
      appendFileSync(this.keysFile, missing.map((text) => `${keyOf(text)}\n`).join(''));
      missing.forEach((text, i) => this.known.set(keyOf(text), vectors[i]!));
    }
    return keys.map((key) => this.known.get(key)!);
  }

  close(): Promise<void> {
    rmSync(this.lockFile, { force: true });
    return this.inner.close?.() ?? Promise.resolve();
  }

  private load(): void {
    if (!existsSync(this.keysFile) || !existsSync(this.vectorsFile)) return;
    const keys = readFileSync(this.keysFile, 'utf8').split('\n').filter(Boolean);
    const bytes = readFileSync(this.vectorsFile);
    const usable = Math.min(keys.length, Math.floor(bytes.byteLength / (4 * this.dimension)));
    // Keys and vectors must stay aligned for later appends: drop whatever a crash left unmatched.
    if (usable < keys.length) throw new Error(`Embedding cache ${this.keysFile} has keys without vectors; delete the folder`);
    if (bytes.byteLength > usable * 4 * this.dimension) truncateSync(this.vectorsFile, usable * 4 * this.dimension);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + usable * 4 * this.dimension));
    for (let i = 0; i < usable; i += 1) this.known.set(keys[i]!, all.subarray(i * this.dimension, (i + 1) * this.dimension));
  }
}

/** Takes the folder for this process, unless a live process holds it; a dead holder's lock is taken over. */
function lockFolder(lockFile: string): void {
  const holder = existsSync(lockFile) ? Number(readFileSync(lockFile, 'utf8')) : NaN;
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(`Embedding cache ${lockFile} is in use by process ${holder}; give this run another --embedding-cache`);
  }
  writeFileSync(lockFile, String(process.pid));
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
