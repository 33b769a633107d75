/**
 * The default run of <finetune-shift> as WebAssembly trains it (seed 42,
 * 2,000 pretraining + 400 SFT steps, no names mixed in, the four default
 * held-out prompts), recorded so the first screen and print show it at once
 * instead of training for several seconds on every load. The browser test
 * retrains it in the page and checks it against this record.
 * history: [step, held-out names loss, masked answer loss or null].
 */
export const RECORDED_RUN = {
  seed: 42,
  replay: 0,
  pretrainSteps: 2000,
  finetuneSteps: 400,
  prompts: ["olly", "yancy", "bondon", "blinnie"],
  history: [
    [0, 3.3355, null], [50, 2.6317, null], [100, 2.5593, null], [150, 2.5089, null], [200, 2.4977, null], [250, 2.4489, null],
    [300, 2.4435, null], [350, 2.4335, null], [400, 2.3809, null], [450, 2.3893, null], [500, 2.3844, null], [550, 2.3718, null],
    [600, 2.4188, null], [650, 2.3295, null], [700, 2.326, null], [750, 2.3338, null], [800, 2.3083, null], [850, 2.3204, null],
    [900, 2.318, null], [950, 2.3075, null], [1000, 2.2848, null], [1050, 2.2981, null], [1100, 2.2855, null], [1150, 2.2939, null],
    [1200, 2.2781, null], [1250, 2.2967, null], [1300, 2.2625, null], [1350, 2.2997, null], [1400, 2.2764, null], [1450, 2.2586, null],
    [1500, 2.2597, null], [1550, 2.2745, null], [1600, 2.2516, null], [1650, 2.2562, null], [1700, 2.2413, null], [1750, 2.2623, null],
    [1800, 2.2612, null], [1850, 2.2611, null], [1900, 2.2444, null], [1950, 2.263, null], [2000, 2.242, 4.1541], [2050, 3.0344, 0.5507],
    [2100, 3.5447, 0.3053], [2150, 3.8374, 0.2064], [2200, 4.0576, 0.1511], [2250, 4.2194, 0.113], [2300, 4.402, 0.0867], [2350, 4.5135, 0.0682],
    [2400, 4.6534, 0.0554],
  ] as [number, number, number | null][],
  pretrained: 2.242,
  base: ["ia", "o", "y", "o"],
  tuned: ["four", "five", "six", "seven"],
  baseAccuracy: 0,
  tunedAccuracy: 0.945,
} as const;
