/** Brute-force top-k by dot product over unit vectors: the exact answer an ANN index approximates. */
export class ExactScan {
  private readonly matrix: Float32Array;
  private readonly ids: string[] = [];

  constructor(
    private readonly dimension: number,
    capacity: number,
  ) {
    this.matrix = new Float32Array(dimension * capacity);
  }

  add(id: string, vector: Float32Array): void {
    this.matrix.set(vector, this.ids.length * this.dimension);
    this.ids.push(id);
  }

  get size(): number {
    return this.ids.length;
  }

  topK(query: Float32Array, k: number): string[] {
    const best: Array<{ index: number; score: number }> = [];
    const d = this.dimension;
    for (let row = 0; row < this.ids.length; row += 1) {
      let score = 0;
      const offset = row * d;
      for (let i = 0; i < d; i += 1) score += this.matrix[offset + i]! * query[i]!;
      if (best.length < k || score > best[best.length - 1]!.score) {
        best.push({ index: row, score });
        best.sort((a, b) => b.score - a.score);
        if (best.length > k) best.pop();
      }
    }
    return best.map((b) => this.ids[b.index]!);
  }
}
