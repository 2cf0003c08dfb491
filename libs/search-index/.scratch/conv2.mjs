import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
import { mkdtempSync } from 'node:fs';
const DIM = 768, N = 1000;
const fields = [ new arrow.Field('id', new arrow.Utf8(), false), new arrow.Field('org', new arrow.Utf8(), true), new arrow.Field('size', new arrow.Float64(), true), new arrow.Field('ci', new arrow.Int32(), false),
  new arrow.Field('g', new arrow.List(new arrow.Field('item', new arrow.Utf8(), true)), false),
  new arrow.Field('vector', new arrow.FixedSizeList(DIM, new arrow.Field('item', new arrow.Float32(), true)), false)];
const schema = new arrow.Schema(fields, new Map([['k', 'v']]));
const vecs = Array.from({length: N}, () => new Float32Array(DIM).map(Math.random));
const t0 = performance.now();
const col = (type, values) => arrow.vectorFromArray(values, type).data[0];
const flat = new Float32Array(N * DIM); vecs.forEach((v, i) => flat.set(v, i * DIM));
const vectorData = arrow.makeData({ type: fields[5].type, length: N, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: N * DIM, data: flat }) });
const children = [
  col(new arrow.Utf8(), vecs.map((_, i) => 'c' + i)),
  col(new arrow.Utf8(), vecs.map((_, i) => i % 2 ? null : 'o')),
  col(new arrow.Float64(), vecs.map((_, i) => i % 3 ? null : i * 1.0)),
  col(new arrow.Int32(), vecs.map((_, i) => i)),
  col(fields[4].type, vecs.map((_, i) => i % 2 ? [] : ['a', "b'c"])),
  vectorData,
];
const struct = arrow.makeData({ type: new arrow.Struct(fields), length: N, nullCount: 0, children });
const table = new arrow.Table([new arrow.RecordBatch(schema, struct)]);
const t1 = performance.now();
console.log('build', (t1 - t0).toFixed(1));
const db = await lancedb.connect(mkdtempSync('/tmp/lexp-'));
const t = await db.createEmptyTable('c', schema);
const t2 = performance.now();
await t.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(table);
console.log('merge', (performance.now() - t2).toFixed(1), await t.countRows());
const rows = await t.query().limit(3).toArray();
console.log(rows.map(r => [r.id, r.org, r.size, r.ci, Array.from(r.g), r.vector.length, r.vector.get(767) === vecs[Number(r.id.slice(1))][767]]));
console.log((await t.schema()).metadata);
