// The MLP training step of components/models/mlp.ts written as plain
// JavaScript loops over Float32Arrays (forward, backward, SGD), for the
// benchmark's "tfjs vs plain JS" ratio. Same shapes, same initial scale,
// batches drawn uniformly. Not used by the demos.

/** Box–Muller normals from a small LCG: the reference needs speed, not the project's exact weights. */
function normals(n, scale, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * scale);
}

export function createReference({ V, C, E, H }, seed = 1) {
  const D = C * E;
  const p = {
    emb: normals(V * E, 1, seed), w1: normals(D * H, 5 / 3 / Math.sqrt(D), seed + 1), b1: normals(H, 0.01, seed + 2),
    w2: normals(H * V, 0.01, seed + 3), b2: new Float32Array(V),
  };
  const grads = { emb: new Float32Array(V * E), w1: new Float32Array(D * H), b1: new Float32Array(H), w2: new Float32Array(H * V), b2: new Float32Array(V) };
  const x = new Float32Array(D);
  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  const logits = new Float32Array(V);

  /** One SGD step on rows `rows` of examples (X [n, C] int, Y [n]); returns the mean loss. */
  function step(X, Y, rows, lr) {
    for (const g of Object.values(grads)) g.fill(0);
    const B = rows.length;
    let loss = 0;
    for (const r of rows) {
      for (let c = 0; c < C; c++) for (let e = 0; e < E; e++) x[c * E + e] = p.emb[X[r * C + c] * E + e];
      for (let j = 0; j < H; j++) {
        let z = p.b1[j];
        for (let i = 0; i < D; i++) z += x[i] * p.w1[i * H + j];
        h[j] = Math.tanh(z);
      }
      let max = -Infinity;
      for (let k = 0; k < V; k++) {
        let z = p.b2[k];
        for (let j = 0; j < H; j++) z += h[j] * p.w2[j * V + k];
        logits[k] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let k = 0; k < V; k++) sum += (logits[k] = Math.exp(logits[k] - max));
      const y = Y[r];
      loss -= Math.log(logits[y] / sum);
      // dlogits = (softmax − onehot) / B
      dh.fill(0);
      for (let k = 0; k < V; k++) {
        const d = (logits[k] / sum - (k === y ? 1 : 0)) / B;
        grads.b2[k] += d;
        for (let j = 0; j < H; j++) {
          grads.w2[j * V + k] += h[j] * d;
          dh[j] += p.w2[j * V + k] * d;
        }
      }
      for (let j = 0; j < H; j++) {
        const dz = dh[j] * (1 - h[j] * h[j]);
        grads.b1[j] += dz;
        for (let i = 0; i < D; i++) grads.w1[i * H + j] += x[i] * dz;
      }
      for (let i = 0; i < D; i++) {
        let dx = 0;
        for (let j = 0; j < H; j++) dx += p.w1[i * H + j] * (dh[j] * (1 - h[j] * h[j]));
        grads.emb[X[r * C + Math.floor(i / E)] * E + (i % E)] += dx;
      }
    }
    for (const [name, g] of Object.entries(grads)) {
      const w = p[name];
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
    return loss / B;
  }
  return { step, params: p };
}
