import { DomainError, ErrorCode, Rpc, type Tenant } from '@recollect/contracts';
import { describe, expect, it } from 'vitest';
import type { BusGateway } from '../bus/bus-gateway.service';
import { TakenFileNames } from './taken-file-names.service';

const acme: Tenant = { userId: 'alice', organizationId: 'acme' };
const globex: Tenant = { userId: 'alice', organizationId: 'globex' };

interface Question {
  tenant: Tenant;
  correlationId: string;
  fileNames: string[];
  answer(taken: string[]): void;
  fail(error: unknown): void;
}

/** A bus whose questions stay open until the test answers them. */
function openBus() {
  const questions: Question[] = [];
  const bus = {
    request: (pattern: string, tenant: Tenant, correlationId: string, payload: { fileNames: string[] }) => {
      expect(pattern).toBe(Rpc.contextFileExists);
      return new Promise((resolve, reject) => {
        questions.push({ tenant, correlationId, fileNames: payload.fileNames, answer: (taken) => resolve({ taken }), fail: reject });
      });
    },
  };
  return { questions, checks: new TakenFileNames(bus as unknown as BusGateway) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(TakenFileNames.name, () => {
  it('asks at once when nothing is in flight for the tenant', async () => {
    const { questions, checks } = openBus();
    const answer = checks.taken(acme, ['a.txt', 'b.txt'], 'c1');
    expect(questions.map((q) => [q.tenant, q.correlationId, q.fileNames])).toEqual([[acme, 'c1', ['a.txt', 'b.txt']]]);
    questions[0]!.answer(['b.txt']);
    expect(await answer).toEqual(['b.txt']);
  });

  it("sends the checks that arrived during a tenant's question as one next question, and gives each add only its own names", async () => {
    const { questions, checks } = openBus();
    const first = checks.taken(acme, ['a.txt'], 'c1');
    const second = checks.taken(acme, ['b.txt', 'shared.txt'], 'c2');
    const third = checks.taken(acme, ['c.txt', 'shared.txt'], 'c3');
    expect(questions).toHaveLength(1);
    questions[0]!.answer([]);
    expect(await first).toEqual([]);
    await settle();
    expect(questions.map((q) => [q.correlationId, q.fileNames])).toEqual([
      ['c1', ['a.txt']],
      ['c2', ['b.txt', 'shared.txt', 'c.txt']],
    ]);
    questions[1]!.answer(['shared.txt', 'c.txt']);
    expect(await second).toEqual(['shared.txt']);
    expect(await third).toEqual(['c.txt', 'shared.txt']);
    // Drained: the tenant's next check asks at once again.
    void checks.taken(acme, ['d.txt'], 'c4');
    expect(questions).toHaveLength(3);
  });

  it("never puts one tenant's names in another tenant's question", async () => {
    const { questions, checks } = openBus();
    void checks.taken(acme, ['a.txt'], 'c1');
    void checks.taken(globex, ['a.txt'], 'c2');
    void checks.taken(acme, ['b.txt'], 'c3');
    expect(questions.map((q) => [q.tenant.organizationId, q.fileNames])).toEqual([
      ['acme', ['a.txt']],
      ['globex', ['a.txt']],
    ]);
    questions[1]!.answer(['a.txt']);
    questions[0]!.answer([]);
    await settle();
    expect(questions.map((q) => [q.tenant.organizationId, q.fileNames])).toEqual([
      ['acme', ['a.txt']],
      ['globex', ['a.txt']],
      ['acme', ['b.txt']],
    ]);
  });

  it('tells apart tenants whose ids would join into the same bus key', async () => {
    const { questions, checks } = openBus();
    const dashOrg: Tenant = { userId: 'x', organizationId: '-' };
    const noOrg: Tenant = { userId: 'x', organizationId: null };
    const slashed: Tenant = { userId: 'b/c', organizationId: 'a' };
    const slashedToo: Tenant = { userId: 'c', organizationId: 'a/b' };
    void checks.taken(dashOrg, ['one.txt'], 'c1');
    void checks.taken(noOrg, ['secret.pdf'], 'c2');
    void checks.taken(slashed, ['two.txt'], 'c3');
    void checks.taken(slashedToo, ['three.txt'], 'c4');
    expect(questions.map((q) => [q.tenant, q.fileNames])).toEqual([
      [dashOrg, ['one.txt']],
      [noOrg, ['secret.pdf']],
      [slashed, ['two.txt']],
      [slashedToo, ['three.txt']],
    ]);
  });

  it('fails every add of a question that failed, and goes on with the checks queued behind it', async () => {
    const { questions, checks } = openBus();
    const first = checks.taken(acme, ['a.txt'], 'c1');
    const second = checks.taken(acme, ['b.txt'], 'c2');
    const third = checks.taken(acme, ['c.txt'], 'c3');
    const fourth = checks.taken(acme, ['d.txt'], 'c4');
    const timeout = new DomainError(ErrorCode.Timeout, 'No reply to context.file.exists within 5000 ms');
    questions[0]!.answer([]);
    await settle();
    expect(questions[1]!.fileNames).toEqual(['b.txt', 'c.txt', 'd.txt']);
    const queuedDuringFailure = checks.taken(acme, ['f.txt'], 'c6');
    questions[1]!.fail(timeout);
    expect(await first).toEqual([]);
    await expect(second).rejects.toBe(timeout);
    await expect(third).rejects.toBe(timeout);
    await expect(fourth).rejects.toBe(timeout);
    await settle();
    expect(questions[2]!.fileNames).toEqual(['f.txt']);
    questions[2]!.answer(['f.txt']);
    expect(await queuedDuringFailure).toEqual(['f.txt']);
    await settle();
    const fifth = checks.taken(acme, ['e.txt'], 'c5');
    expect(questions).toHaveLength(4);
    questions[3]!.answer(['e.txt']);
    expect(await fifth).toEqual(['e.txt']);
  });

  it('keeps a shared question within 1,000 names; an add with more goes alone', async () => {
    const { questions, checks } = openBus();
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    void checks.taken(acme, ['first'], 'c0');
    void checks.taken(acme, names('x', 600), 'c1');
    void checks.taken(acme, names('y', 400), 'c2');
    void checks.taken(acme, names('z', 1), 'c3');
    void checks.taken(acme, names('big', 1_500), 'c4');
    for (let asked = 1; asked <= 3; asked += 1) {
      questions[asked - 1]!.answer([]);
      await settle();
    }
    expect(questions.map((q) => [q.correlationId, q.fileNames.length])).toEqual([
      ['c0', 1],
      ['c1', 1_000],
      ['c3', 1],
      ['c4', 1_500],
    ]);
  });
});
