/**
 * Colours safe for colour-blind viewers (Okabe & Ito 2008) and a perceptually
 * uniform sequential scale (viridis) for heatmaps.
 */
import { interpolateViridis } from 'd3-scale-chromatic';

export const palette = {
  blue: '#0072b2',
  orange: '#e69f00',
  green: '#009e73',
  vermillion: '#d55e00',
  sky: '#56b4e9',
  purple: '#cc79a7',
  yellow: '#f0e442',
  black: '#000000',
  grey: '#8a939e',
} as const;

/** Categorical series colours, in order. */
export const series = [palette.blue, palette.orange, palette.green, palette.vermillion, palette.purple, palette.sky] as const;

/** Sequential colour for t in [0, 1] (low = dark purple, high = yellow). */
export const sequential = (t: number) => interpolateViridis(Math.min(1, Math.max(0, t)));

/** Black or white text, whichever reads on a viridis cell of value t. */
export const textOn = (t: number) => (t > 0.55 ? '#111' : '#fff');
