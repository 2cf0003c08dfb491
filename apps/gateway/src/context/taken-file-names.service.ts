import { Injectable } from '@nestjs/common';
import { Rpc, tenantIdentity, type Tenant } from '@recollect/contracts';
import { BusGateway } from '../bus/bus-gateway.service';

interface WaitingCheck {
  fileNames: string[];
  correlationId: string;
  resolve(taken: string[]): void;
  reject(error: unknown): void;
}

/** File names one shared question may carry; a single add with more is asked alone. */
const MAX_NAMES_PER_QUESTION = 1_000;

/**
 * Every add asks ingestion whether its file names are taken. While a question of one tenant is out,
 * that tenant's later checks wait for it and then go together as its next question: under load one
 * request on the bus answers many adds, while an add that finds nothing in flight asks at once. A
 * shared question carries its first add's correlation id (the others' do not reach ingestion's logs
 * for it); each add gets only its own names back.
 */
@Injectable()
export class TakenFileNames {
  /** Tenants with a question out, and the checks that will go in their next one. */
  private readonly waiting = new Map<string, WaitingCheck[]>();

  constructor(private readonly bus: BusGateway) {}

  /** The names among `fileNames` that this tenant already holds, in the order given. */
  taken(tenant: Tenant, fileNames: string[], correlationId: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = { fileNames, correlationId, resolve, reject };
      const key = tenantIdentity(tenant);
      const queued = this.waiting.get(key);
      if (queued) {
        queued.push(check);
        return;
      }
      this.waiting.set(key, []);
      void this.askUntilDrained(key, tenant, [check]);
    });
  }

  private async askUntilDrained(key: string, tenant: Tenant, first: WaitingCheck[]): Promise<void> {
    for (let checks = first; checks.length > 0; checks = this.nextQuestion(key)) {
      try {
        const names = [...new Set(checks.flatMap((check) => check.fileNames))];
        const { taken } = await this.bus.request<{ taken: string[] }>(Rpc.contextFileExists, tenant, checks[0]!.correlationId, { fileNames: names });
        const held = new Set(taken);
        for (const check of checks) check.resolve(check.fileNames.filter((name) => held.has(name)));
      } catch (error) {
        for (const check of checks) check.reject(error);
      }
    }
  }

  /** The checks for the tenant's next question, as many as fit; none (and the tenant is idle) when nobody waits. */
  private nextQuestion(key: string): WaitingCheck[] {
    const queued = this.waiting.get(key) ?? [];
    if (queued.length === 0) {
      this.waiting.delete(key);
      return [];
    }
    let count = 1;
    let names = queued[0]!.fileNames.length;
    while (count < queued.length && names + queued[count]!.fileNames.length <= MAX_NAMES_PER_QUESTION) names += queued[count++]!.fileNames.length;
    return queued.splice(0, count);
  }
}
