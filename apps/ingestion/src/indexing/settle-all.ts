/**
 * Waits for every one of `writes`, then throws the first failure, if any: unlike Promise.all, no
 * write is still running once the caller goes on (to retry, or to record the failure).
 */
export async function settleAll(writes: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  const outcomes = await Promise.allSettled(writes);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
