/**
 * A model loaded on first use and shared by every caller. A failed load is forgotten, so the next call
 * tries again; closing hands the loaded model (if any) to `release` and starts over.
 */
export class LazyModel<T> {
  private loading: Promise<T> | undefined;

  constructor(private readonly loadModel: () => Promise<T>) {}

  get(): Promise<T> {
    this.loading ??= this.loadModel().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  async close(release: (model: T) => unknown): Promise<void> {
    const pending = this.loading;
    this.loading = undefined;
    const model = await pending?.catch(() => undefined);
    if (model !== undefined) await release(model);
  }
}
