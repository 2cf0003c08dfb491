import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '../envelope';
import { readRefusedCommand } from './refused-command';

const tenant = { userId: 'u1', organizationId: null };

describe(readRefusedCommand.name, () => {
  it('reads whose a refused command is and the ids its payload names, whatever else the payload holds', () => {
    const value = makeEnvelope('context.add.requested.v1', tenant, 'corr', { jobId: 'job-1', documents: 'not a list' });
    expect(readRefusedCommand(value)).toMatchObject({ type: 'context.add.requested.v1', tenant, correlationId: 'corr', payload: { jobId: 'job-1' } });
  });

  it('reads nothing from what has no envelope, or names its ids with the wrong types', () => {
    expect(readRefusedCommand({ type: 'context.add.requested.v1', payload: { jobId: 'job-1' } })).toBeUndefined();
    expect(readRefusedCommand('text')).toBeUndefined();
    expect(readRefusedCommand(makeEnvelope('memory.add.requested.v1', tenant, 'corr', { operationId: 7 }))).toBeUndefined();
  });
});
