import { DomainError, ErrorCode } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import { JobWaiter } from '../context/job-waiter.service';
import type { GatewayOptions } from '../gateway.options';
import { OperationWaiter } from '../memory/operation-waiter.service';
import type { BusGateway } from './bus-gateway.service';
import { GatewayStopping } from './gateway-stopping';

const TENANT = { userId: 'alice', organizationId: 'acme' };
// Short enough that a wait which misses the stop still ends, and fails the read count, within the test.
const OPTIONS = { syncTimeoutMs: 2_000 } as GatewayOptions;

/** A bus whose job or operation never finishes, and which begins the stop at its second status read. */
function busThatNeverFinishes(stopping: GatewayStopping, status: string): BusGateway & { reads(): number } {
  let reads = 0;
  const bus = {
    request: async () => {
      reads += 1;
      if (reads === 2) stopping.begin();
      return { status };
    },
    reads: () => reads,
  };
  return bus as unknown as BusGateway & { reads(): number };
}

async function refusal(waiting: Promise<unknown>): Promise<DomainError> {
  const error = await waiting.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('sync waits once the gateway begins to stop', () => {
  it('a job wait ends with 504 naming the job, with no status read after the stop began', async () => {
    const stopping = new GatewayStopping();
    const bus = busThatNeverFinishes(stopping, 'waiting');
    const error = await refusal(new JobWaiter(bus, OPTIONS, stopping).untilFinished(TENANT, 'job-1', 'c'));
    // No status read after the stop began: the wait ended there, not at its deadline.
    expect(bus.reads()).toBe(2);
    expect(error.code).toBe(ErrorCode.Timeout);
    expect(error.message).toBe('Job job-1 did not finish before the service began stopping; it goes on, poll its status');
    expect(error.details).toEqual({ jobId: 'job-1' });
  });

  it('an operation wait ends with 504 naming the operation, with no status read after the stop began', async () => {
    const stopping = new GatewayStopping();
    const bus = busThatNeverFinishes(stopping, 'accepted');
    const error = await refusal(new OperationWaiter(bus, OPTIONS, stopping).untilCompleted(TENANT, 'op-1', 'c'));
    expect(bus.reads()).toBe(2);
    expect(error.code).toBe(ErrorCode.Timeout);
    expect(error.message).toBe('Operation op-1 did not finish before the service began stopping; it goes on, poll /open/v1/operations/op-1');
    expect(error.details).toEqual({ operationId: 'op-1' });
  });
});
