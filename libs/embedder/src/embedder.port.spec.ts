import { describe, expect, it, vi } from 'vitest';
import { warmUpInBackground, type Embedder } from './embedder.port';

const embedderWith = (warmUp?: () => Promise<void>): Embedder => ({ modelId: 'm', dimension: 2, maxInputWords: 10, embed: () => Promise.resolve([]), warmUp });

describe(warmUpInBackground.name, () => {
  it('starts the warm-up without waiting for it', () => {
    let finish: () => void = () => undefined;
    const warmUp = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    warmUpInBackground(embedderWith(warmUp), () => undefined);
    expect(warmUp).toHaveBeenCalledOnce();
    finish();
  });

  it('reports a failed load instead of leaving it unhandled', async () => {
    const report = vi.fn();
    warmUpInBackground(embedderWith(() => Promise.reject(new Error('no weights'))), report);
    await vi.waitFor(() => expect(report).toHaveBeenCalledWith(expect.objectContaining({ message: 'no weights' })));
  });

  it('does nothing for an embedder with nothing to load', () => {
    const report = vi.fn();
    expect(() => warmUpInBackground(embedderWith(), report)).not.toThrow();
    expect(report).not.toHaveBeenCalled();
  });
});
