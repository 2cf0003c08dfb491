import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/lexp-');
const db = await lancedb.connect(dir);
const dim = 4;
const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Utf8(), false),
  new arrow.Field('org', new arrow.Utf8(), true),
  new arrow.Field('text', new arrow.Utf8(), false),
  new arrow.Field('groups', new arrow.List(new arrow.Field('item', new arrow.Utf8(), true)), false),
  new arrow.Field('size', new arrow.Float64(), true),
  new arrow.Field('vector', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false),
], new Map([['recollect.modelId', 'm1'], ['recollect.dimension', '4']]));
const t = await db.createEmptyTable('chunks', schema);
try { await t.createIndex('text', { config: lancedb.Index.fts({ stem: true, removeStopWords: true, lowercase: true, asciiFolding: true, withPosition: false }), train: false }); console.log('fts on empty ok'); } catch (e) { console.log('fts on empty fails', e.message); }
const rows = [
  { id: 'a', org: null, text: 'The quick brown foxes jumped', groups: ['g1', 'g2'], size: 10, vector: [1, 0, 0, 0] },
  { id: 'b', org: 'o1', text: "it's raining cats and dogs", groups: ['g1'], size: null, vector: [0, 1, 0, 0] },
];
await t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
console.log('count', await t.countRows());
console.log(await t.listIndices());
console.log(await t.indexStats('text_idx'));
const s = await t.schema();
console.log('meta', s.metadata);
const db2 = await lancedb.connect(dir);
const t2 = await db2.openTable('chunks');
console.log('meta reopen', (await t2.schema()).metadata, (await t2.schema()).fields.map(f=>String(f.type)+':'+f.nullable));
for (const q of ['fox', 'FOX jumping', "x' OR '1'='1", 'a:b (c) "d" AND * OR -', '"unterminated', 'cat']) {
  try {
    const r = await t.query().fullTextSearch(new lancedb.MatchQuery(q, 'text')).limit(5).toArray();
    console.log('match', JSON.stringify(q), r.map(x => [x.id, x._score]));
  } catch (e) { console.log('match fail', q, e.message); }
  try {
    const r = await t.query().fullTextSearch(q).limit(5).toArray();
    console.log('str', JSON.stringify(q), r.map(x => [x.id, x._score]));
  } catch (e) { console.log('str fail', q, e.message); }
}
for (const w of ["array_has_all(groups, ['g1','g2'])", "array_has_all(groups, make_array('g1'))", "array_contains(groups, 'g2')", "org IS NULL", "id = 'x'' OR ''1''=''1'", "id = 'a\\'", "size >= 5"]) {
  try { const r = await t.query().where(w).select(['id']).toArray(); console.log('where', w, r.map(x=>x.id)); } catch (e) { console.log('where fail', w, e.message); }
}
const r = await t.query().orderBy([{columnName: 'id', ascending: false}]).limit(1).offset(1).select(['id']).toArray();
console.log('orderBy', r.map(x=>x.id));
const v = await t.query().nearestTo([1,0.1,0,0]).distanceType('cosine').where("org IS NULL").limit(5).toArray();
console.log('vec', v.map(x=>[x.id,x._distance, Object.keys(x)]));
const v2 = await t.query().nearestTo([1,0.1,0,0]).distanceType('cosine').where("org IS NULL").explainPlan(true);
console.log(v2);
console.log(JSON.stringify(await t.query().limit(1).toArray()));
