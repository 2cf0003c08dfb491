import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { noteSkipped, openSearchService } from '@recollect/testing';
import { afterAll, describe } from 'vitest';
import { describeSearchIndexContract } from '../testing/search-index.contract';
import { OpenSearchSearchIndex } from './opensearch-search-index';

const service = openSearchService();
if (!service.available) noteSkipped('SearchIndex contract: OpenSearch', service.reason);
afterAll(async () => {
  if (service.available) await service.stop();
});

describe.skipIf(!service.available)(service.available ? `OpenSearch (${service.description})` : `OpenSearch (skipped: ${service.reason})`, () => {
  describeSearchIndexContract('OpenSearch', async () => {
    if (!service.available) throw new Error(service.reason);
    const endpoint = await service.start();
    // An index of its own per test: the cluster outlives the test, and may be shared.
    const index = `recollect-contract-${randomUUID()}`;
    const create = () => new OpenSearchSearchIndex({ node: endpoint.url, username: endpoint.username, password: endpoint.password, rejectUnauthorized: false, index, settings: { shards: 1, replicas: 0 } });
    return {
      index: create(),
      reopen: async () => create(),
      async cleanup() {
        const admin = new Client({ node: endpoint.url, ...(endpoint.username ? { auth: { username: endpoint.username, password: endpoint.password ?? '' } } : {}), ssl: { rejectUnauthorized: false } });
        await admin.indices.delete({ index }, { ignore: [404] });
        await admin.transport.request({ method: 'DELETE', path: `/_index_template/${index}` }, { ignore: [404] });
        await admin.close();
      },
    };
  });
});
