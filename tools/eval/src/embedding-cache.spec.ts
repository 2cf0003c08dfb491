import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '@recollect/embedder';
import { CachingEmbedder } from './embedding-cache';

class CountingEmbedder extends HashingEmbedder {
  embedded = 0;
  override embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.embedded += texts.length;
    return super.embed(texts);
  }
}

describe(CachingEmbedder.name, () => {
  const folders: string[] = [];
  const folder = () => {
    const created = mkdtempSync(join(tmpdir(), 'recollect-cache-'));
    folders.push(created);
    return created;
  };
  afterEach(() => folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true })));

  it('answers the vectors the encoder gave, and the next run reads them from disk without the encoder', async () => {
    const directory = folder();
    const first = new CountingEmbedder();
    const cache = new CachingEmbedder(first, directory);
    const fresh = await cache.embed(['alpha', 'beta', 'alpha']);
    expect(first.embedded).toBe(2);
    expect(fresh).toEqual(await new HashingEmbedder().embed(['alpha', 'beta', 'alpha']));
    await cache.close();

    const second = new CountingEmbedder();
    const again = new CachingEmbedder(second, directory);
    expect(await again.embed(['beta', 'alpha'])).toEqual([fresh[1], fresh[0]]);
    expect(second.embedded).toBe(0);
    await again.close();
  });

  it('keeps the vectors of one model made in another variant apart', async () => {
    const directory = folder();
    const int8 = new CachingEmbedder(new CountingEmbedder(), directory, 'onnx');
    await int8.embed(['alpha']);
    await int8.close();

    const float = new CountingEmbedder();
    const other = new CachingEmbedder(float, directory, 'onnx-fp32');
    await other.embed(['alpha']);
    expect(float.embedded).toBe(1);
    await other.close();
    expect(readdirSync(directory)).toHaveLength(2);
  });

  it('refuses a folder another live process is using, and takes over one a dead process left', async () => {
    const directory = folder();
    const cache = new CachingEmbedder(new HashingEmbedder(), directory);
    const [modelFolder] = readdirSync(directory);
    await cache.close();
    writeFileSync(join(directory, modelFolder!, 'lock'), String(process.ppid));
    expect(() => new CachingEmbedder(new HashingEmbedder(), directory)).toThrow(/in use by process/);
    writeFileSync(join(directory, modelFolder!, 'lock'), '2147483646');
    await new CachingEmbedder(new HashingEmbedder(), directory).close();
  });
});
