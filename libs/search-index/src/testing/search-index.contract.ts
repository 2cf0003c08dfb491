import { afterEach, beforeEach, describe } from 'vitest';
import type { IndexIdentity, SearchIndex } from '../search-index.port';
import { CONTRACT_IDENTITY } from './contract-fixtures';
import { documentCases } from './contract/documents.cases';
import { filterCases } from './contract/filter.cases';
import { lifecycleCases } from './contract/lifecycle.cases';
import { listingCases } from './contract/listing.cases';
import { searchCases } from './contract/search.cases';
import { tenantCases } from './contract/tenant.cases';

export * from './contract-fixtures';

export interface SearchIndexHarness {
  /** A fresh index over empty storage, not yet opened. */
  index: SearchIndex;
  /** Removes the storage. Runs after the index was closed. */
  cleanup(): Promise<void>;
  /** A new instance over the same storage, to prove data outlives the instance; defaults to reusing `index`. */
  reopen?(): Promise<SearchIndex>;
}

/** What each group of cases gets: the open index of the current test, and a way to reopen it. */
export interface ContractContext {
  index(): SearchIndex;
  /** Closes the current index and opens (a new instance over) the same storage with `identity`. */
  reopen(identity?: IndexIdentity): Promise<SearchIndex>;
}

/**
 * Behaviour every SearchIndex adapter must show, expressed only through the port. Adapters must
 * be readable right after a write resolves, and `close()` must be safe to call more than once.
 */
export function describeSearchIndexContract(name: string, factory: () => Promise<SearchIndexHarness>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let harness: SearchIndexHarness;
    let current: SearchIndex;

    beforeEach(async () => {
      harness = await factory();
      current = harness.index;
      await current.open(CONTRACT_IDENTITY);
    });

    afterEach(async () => {
      await current.close();
      await harness.cleanup();
    });

    const context: ContractContext = {
      index: () => current,
      async reopen(identity = CONTRACT_IDENTITY) {
        await current.close();
        current = harness.reopen ? await harness.reopen() : harness.index;
        await current.open(identity);
        return current;
      },
    };

    describe('search', () => searchCases(context));
    describe('document-level lexical search', () => documentCases(context));
    describe('tenant isolation', () => tenantCases(context));
    describe('filters', () => filterCases(context));
    describe('listing', () => listingCases(context));
    describe('lifecycle', () => lifecycleCases(context));
  });
}
