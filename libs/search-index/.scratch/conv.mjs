import * as lancedb from '@lancedb/lancedb';
import * as arrow from 'apache-arrow';
const DIM = 768;
const schema = new arrow.Schema([ new arrow.Field('id', new arrow.Utf8(), false), new arrow.Field('t', new arrow.Utf8(), false),
  new arrow.Field('g', new arrow.List(new arrow.Field('item', new arrow.Utf8(), true)), false),
  new arrow.Field('vector', new arrow.FixedSizeList(DIM, new arrow.Field('item', new arrow.Float32(), true)), false)]);
const vecs = Array.from({length: 1000}, () => new Float32Array(DIM).map(Math.random));
for (const mode of ['array', 'f32']) {
  const t0 = performance.now();
  const rows = vecs.map((v, i) => ({ id: 'c' + i, t: 'x'.repeat(1000), g: ['a', 'b'], vector: mode === 'array' ? Array.from(v) : v }));
  const t1 = performance.now();
  const table = lancedb.makeArrowTable(rows, { schema });
  const t2 = performance.now();
  console.log(mode, 'rows', (t1 - t0).toFixed(1), 'makeArrowTable', (t2 - t1).toFixed(1), table.numRows, table.getChild('vector').get(1).length);
}
