import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '../envelope';
import { readRefusedMessage } from './refused-message';

const tenant = { userId: 'u1', organizationId: null };

describe(readRefusedMessage.name, () => {
  it('reads whose a refused command is and the ids its payload names, whatever else the payload holds', () => {
    const value = makeEnvelope('context.add.requested.v1', tenant, 'corr', { jobId: 'job-1', documents: 'not a list' });
    expect(readRefusedMessage(value)).toMatchObject({ type: 'context.add.requested.v1', tenant, correlationId: 'corr', payload: { jobId: 'job-1' } });
  });

  it('reads nothing from what has no envelope, or names its ids with the wrong types', () => {
    expect(readRefusedMessage({ type: 'context.add.requested.v1', payload: { jobId: 'job-1' } })).toBeUndefined();
    expect(readRefusedMessage('text')).toBeUndefined();
    expect(readRefusedMessage(makeEnvelope('memory.add.requested.v1', tenant, 'corr', { operationId: 7 }))).toBeUndefined();
  });
});
