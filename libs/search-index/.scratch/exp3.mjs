import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/lexp-');
const db = await lancedb.connect(dir);
const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Utf8(), false),
  new arrow.Field('text', new arrow.Utf8(), false),
]);
const t = await db.createEmptyTable('c', schema);
await t.createIndex('text', { config: lancedb.Index.fts({ stem: true, removeStopWords: true, withPosition: false }), train: false });
const filler = [];
for (let i = 0; i < 500; i++) filler.push({ id: 'f' + i, text: 'lorem ipsum dolor ' + (i % 10 === 0 ? 'apple' : 'sit') });
await t.add(filler);
await t.optimize();
await t.add([{ id: 'new1', text: 'lorem ipsum dolor apple' }]);
let r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).limit(60).toArray();
console.log('mixed', r.slice(0, 3).map(x => [x.id, x._score]), r.find(x => x.id === 'new1')?._score, r.find(x => x.id === 'f0')?._score);
await t.optimize();
r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).limit(60).toArray();
console.log('after opt', r.find(x => x.id === 'new1')?._score, r.find(x => x.id === 'f0')?._score);
