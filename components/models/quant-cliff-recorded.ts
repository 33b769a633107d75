/**
 * The default model of <quant-cliff> (QuantLab with DEFAULT_QUANT_CONFIG:
 * context 3, embedding 10, hidden 64, 3,000 SGD steps of 64, learning rate
 * 0.2, seed 42, on the names) and its held-out (validation split) losses, as
 * trained and evaluated on the cpu backend, so the first screen and print
 * show the curves at once. The element then trains the same model live and
 * recomputes them; the browser test checks the live curves against these.
 * Losses at bits 8, 7, 6, 5, 4, 3, 2.
 */
export const RECORDED_QUANT = {
  seed: 42,
  steps: 3000,
  fp32: 2.2598,
  counts: { weights: 3918, biases: 91, sizes: [270, 1920, 1728] },
  curves: {
    affine: {
      perTensor: [2.2595, 2.2611, 2.2624, 2.2694, 2.3142, 2.4017, 2.8774],
      perGroup: {
        '32': [2.2598, 2.2604, 2.2621, 2.2683, 2.2787, 2.3563, 2.7577],
        '64': [2.2603, 2.2595, 2.2621, 2.2698, 2.2931, 2.3451, 2.7533],
        '128': [2.2599, 2.2612, 2.2646, 2.2663, 2.281, 2.4053, 2.7914],
      },
    },
    symmetric: {
      perTensor: [2.2595, 2.2602, 2.2638, 2.2709, 2.3298, 2.6016, 3.2266],
      perGroup: {
        '32': [2.2602, 2.2607, 2.2612, 2.2648, 2.2885, 2.3989, 3.1648],
        '64': [2.2599, 2.2603, 2.2607, 2.2707, 2.2908, 2.4592, 3.2029],
        '128': [2.2596, 2.2601, 2.2627, 2.2695, 2.3136, 2.5361, 3.2391],
      },
    },
  },
} as const;
