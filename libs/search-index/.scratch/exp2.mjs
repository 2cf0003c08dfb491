import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/lexp-');
const db = await lancedb.connect(dir);
const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Utf8(), false),
  new arrow.Field('grp', new arrow.Utf8(), false),
  new arrow.Field('text', new arrow.Utf8(), false),
]);
const t = await db.createEmptyTable('c', schema);
await t.createIndex('text', { config: lancedb.Index.fts({ stem: true, removeStopWords: true, withPosition: false }), train: false });
const rows = [];
for (let i = 0; i < 2000; i++) rows.push({ id: 'r' + i, grp: i < 1990 ? 'A' : 'B', text: i < 1990 ? 'apple apple apple banana' : 'apple cherry pear grape lemon lime orange kiwi' });
await t.add(rows);
let r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).where("grp = 'B'").limit(3).toArray();
console.log('unindexed prefilter', r.map(x => [x.id, x._score]));
await t.optimize();
console.log(await t.indexStats('text_idx'));
r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).where("grp = 'B'").limit(3).toArray();
console.log('indexed prefilter', r.map(x => [x.id, x._score]));
console.log(await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).where("grp = 'B'").limit(3).explainPlan(true));
// update via mergeInsert changes text
await t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([{ id: 'r1995', grp: 'B', text: 'durian only' }]);
r = await t.query().fullTextSearch(new lancedb.MatchQuery('durian', 'text')).limit(3).toArray();
console.log('after update durian', r.map(x => [x.id, x._score]));
r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).where("grp = 'B'").limit(20).toArray();
console.log('after update apple B', r.map(x => [x.id]).join(','));
await t.delete("id = 'r1991'");
r = await t.query().fullTextSearch(new lancedb.MatchQuery('apple', 'text')).where("grp = 'B'").limit(20).toArray();
console.log('after delete apple B', r.map(x => [x.id]).join(','));
r = await t.query().fullTextSearch(new lancedb.MatchQuery('the and', 'text')).limit(20).toArray();
console.log('stopwords', r.length);
r = await t.query().fullTextSearch(new lancedb.MatchQuery('', 'text')).limit(20).toArray().catch(e => 'ERR ' + e.message);
console.log('empty', r.length ?? r);
