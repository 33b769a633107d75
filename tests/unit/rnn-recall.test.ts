import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  RecallNet, evaluationBatch, features, inputSize, isAha, lagBatch, longLagAccuracy, lstmStepReference, makeBatch,
  markedCode, padCode, queryCode, rnnStepReference, type CellWeights, type RecallTask,
} from '../../components/models/rnn-recall';
import { createRng } from '../../components/runtime/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const task: RecallTask = { vocab: 3, maxLag: 6 };

/** Seeded plain-JS matrix. */
function matrix(rng: ReturnType<typeof createRng>, rows: number, cols: number, std = 0.6): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() * std));
}

function handWeights(kind: 'rnn' | 'lstm', H: number, seed: number, wh?: number[][]): CellWeights {
  const rng = createRng(seed, 'hand');
  const G = kind === 'lstm' ? 4 * H : H;
  return {
    wx: matrix(rng, inputSize(task), G),
    wh: wh ?? matrix(rng, H, G),
    b: Array.from({ length: G }, () => rng.normal() * 0.3),
    wy: matrix(rng, H, task.vocab),
    by: Array.from({ length: task.vocab }, () => rng.normal() * 0.3),
  };
}

describe('makeBatch', () => {
  it('builds pad…pad, the marked token, L distractors, the query, time-major', () => {
    const b = makeBatch(createRng(1), task, [2, 4], 7);
    expect(b.length).toBe(7);
    // sequence 0: lag 2 → 3 pads, marked, 2 distractors, query
    const seq0 = b.codes.map((row) => row[0]);
    expect(seq0.slice(0, 3)).toEqual([padCode(task), padCode(task), padCode(task)]);
    expect(seq0[3]).toBe(markedCode(task, b.targets[0]!));
    for (const c of seq0.slice(4, 6)) expect(c).toBeLessThan(task.vocab);
    expect(seq0[6]).toBe(queryCode(task));
    const seq1 = b.codes.map((row) => row[1]);
    expect(seq1[1]).toBe(markedCode(task, b.targets[1]!));
    expect(seq1[6]).toBe(queryCode(task));
  });

  it('encodes a marked symbol with the same symbol feature as the distractor plus the flag', () => {
    expect(features(task, 1)).toEqual([0, 1, 0, 0, 0]);
    expect(features(task, markedCode(task, 1))).toEqual([0, 1, 0, 1, 0]);
    expect(features(task, queryCode(task))).toEqual([0, 0, 0, 0, 1]);
    expect(features(task, padCode(task))).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses a lag that does not fit', () => {
    expect(() => makeBatch(createRng(1), task, [6], 7)).toThrow(/lag 6 does not fit a sequence of 7 steps/);
  });
});

describe('the cells against a float64 plain-JS reference', () => {
  it.each([
    ['rnn', 3],
    ['lstm', 2],
  ] as const)('a %s with hand-set weights matches step by step (H = %i)', async (kind, H) => {
    const w = handWeights(kind, H, 5);
    const net = new RecallNet({ kind, task, hidden: H, weights: w });
    const batch = makeBatch(createRng(9), task, [3, 1, 4], 6);
    const states = await net.states(batch);
    for (let b = 0; b < 3; b++) {
      let h = new Array<number>(H).fill(0);
      let c = new Array<number>(H).fill(0);
      for (let t = 0; t < batch.length; t++) {
        const code = batch.codes[t]![b]!;
        if (code !== padCode(task)) {
          const x = features(task, code);
          if (kind === 'rnn') h = rnnStepReference(w, x, h);
          else ({ h, c } = lstmStepReference(w, x, h, c));
        }
        states.h[t]![b]!.forEach((v, j) => expect(v).toBeCloseTo(h[j]!, 5));
        if (kind === 'lstm') states.c![t]![b]!.forEach((v, j) => expect(v).toBeCloseTo(c[j]!, 5));
      }
    }
    net.dispose();
  });

  it('works one LSTM step out by hand: σ(0)=½, tanh gates, c = ½·0 + ½·tanh(1)', () => {
    // H = 1, input size 5: only the first symbol's row is non-zero; gate pre-activations i=0, f=0, g=1, o=0.
    const w: CellWeights = { wx: [[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], wh: [[0, 0, 0, 0]], b: [0, 0, 0, 0], wy: [[0, 0, 0]], by: [0, 0, 0] };
    const { h, c } = lstmStepReference(w, [1, 0, 0, 0, 0], [0], [0]);
    expect(c[0]).toBeCloseTo(0.5 * Math.tanh(1), 12);
    expect(h[0]).toBeCloseTo(0.5 * Math.tanh(0.5 * Math.tanh(1)), 12);
    expect(rnnStepReference({ ...w, wx: [[0.3], [0], [0], [0], [0]], wh: [[2]], b: [0.1], wy: [[0, 0, 0]] }, [1, 0, 0, 0, 0], [0.5])[0])
      .toBeCloseTo(Math.tanh(0.3 + 1 + 0.1), 12);
  });

  it('leaves the state untouched on padding, so padded and unpadded sequences agree', async () => {
    const net = new RecallNet({ kind: 'lstm', task, hidden: 4, seed: 3 });
    const short = lagBatch(createRng(4), task, 2, 8);
    const padded = makeBatch(createRng(4), task, new Array(8).fill(2), task.maxLag + 2);
    const [a, b] = await Promise.all([
      tf.tidy(() => net.logits(short)).array(),
      tf.tidy(() => net.logits(padded)).array(),
    ]);
    expect(padded.targets).toEqual(short.targets);
    a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 5)));
    net.dispose();
  });
});

describe('hiddenGradients (backpropagation through time)', () => {
  it.each([
    [0.5, 10],
    [0.9, 15],
    [1.0, 8],
    [1.1, 12],
    [1.5, 6],
  ])('a linear RNN with W_h = %f·I: ‖∂L/∂h_{T−k}‖ = λᵏ·‖∂L/∂h_T‖ for k up to %i', async (lambda, lag) => {
    const H = 4;
    const identity = Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => (i === j ? lambda : 0)));
    const net = new RecallNet({ kind: 'rnn', activation: 'linear', task, hidden: H, weights: handWeights('rnn', H, 11, identity) });
    const batch = lagBatch(createRng(2), { vocab: 3, maxLag: lag }, lag, 5);
    const { h, c } = await net.hiddenGradients(batch);
    expect(c).toBeNull();
    const T = batch.length;
    expect(h).toHaveLength(T);
    for (let k = 0; k < T; k++) {
      expect(h[T - 1 - k]! / h[T - 1]!).toBeCloseTo(lambda ** k, 5 - Math.max(0, Math.ceil(Math.log10(lambda ** k))));
    }
    net.dispose();
  });

  it('equals a finite-difference estimate for the tanh RNN and the LSTM', async () => {
    for (const kind of ['rnn', 'lstm'] as const) {
      const net = new RecallNet({ kind, task, hidden: 3, seed: 8 });
      const batch = lagBatch(createRng(6), task, 3, 1);
      const { h } = await net.hiddenGradients(batch);
      // Every coordinate of ∂ℓ/∂h_t by central differences on the probe, then the norm.
      const T = batch.length;
      for (const t of [0, T - 2, T - 1]) {
        let sq = 0;
        for (let j = 0; j < 3; j++) {
          const at = (eps: number) => tf.tidy(() => {
            const probe = tf.buffer([T, 1, 3]);
            probe.set(eps, t, 0, j);
            return net.loss(batch, probe.toTensor() as tf.Tensor3D, undefined, 'sum').dataSync()[0]!;
          });
          const d = (at(1e-2) - at(-1e-2)) / 2e-2;
          sq += d * d;
        }
        expect(Math.sqrt(sq)).toBeCloseTo(h[t]!, 2);
      }
      net.dispose();
    }
  });
});

describe('training', () => {
  it('lowers the loss on a fixed batch and keeps no tensors behind', async () => {
    const net = new RecallNet({ kind: 'lstm', task, hidden: 8, seed: 1, learningRate: 0.02 });
    const batch = evaluationBatch(createRng(3), task, 4);
    const first = net.trainStep(batch);
    const before = (await first.data())[0]!;
    first.dispose();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) net.trainStep(batch).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = tf.tidy(() => net.loss(batch).dataSync()[0]!);
    expect(after).toBeLessThan(before * 0.7);
    expect(net.steps).toBe(31);
    net.dispose();
  });

  it('calls it an "aha" only when the LSTM holds at long lags and the RNN is 25 points behind', () => {
    const lstm = new Array(20).fill(0.95);
    expect(longLagAccuracy([0, 0, 1, 1])).toBe(1);
    expect(isAha({ lstm, rnn: new Array(20).fill(0.5) })).toBe(true);
    expect(isAha({ lstm, rnn: new Array(20).fill(0.8) })).toBe(false);
    expect(isAha({ lstm: new Array(20).fill(0.85), rnn: new Array(20).fill(0.25) })).toBe(false);
  });
});
