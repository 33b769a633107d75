export { barChart, type BarChartOptions } from './bar-chart.js';
export { heatmap, colorLegend, type HeatmapOptions } from './heatmap.js';
export { lineChart, type LineChartOptions, type LineSeries } from './line-chart.js';
export { scatterPlot, type ScatterOptions, type ScatterPoint } from './scatter-plot.js';
export { palette, series, sequential, textOn } from './colors.js';
