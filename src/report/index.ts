/** Reports: self-contained HTML pages with inline SVG figures, and the figures as SVG/PNG files. */
export * from './types.js';
export { buildReport, type BuiltReport, slug } from './html.js';
export { writeReport, writeReportInto, type WriteReportOptions, type WrittenReport } from './write.js';
export { svgToPng, type PngOptions } from './png.js';
export { spectrumFigureSvg, type SpectrumFigureOptions } from './figures/spectrum.js';
export { rocFigureSvg } from './figures/roc.js';
export { confusionFigureSvg, confusionFractions } from './figures/confusion.js';
export { distributionFigureSvg } from './figures/distribution.js';
export { biasFigureSvg } from './figures/bias.js';
export { probabilityFigureSvg } from './figures/probability.js';
export {
  concentrationTableHtml,
  errorTableHtml,
  metricsTableHtml,
  formatValue,
  formatP,
} from './tables.js';
export {
  linePlotSvg,
  Frame,
  niceTicks,
  niceStep,
  escapeXml,
  PALETTE,
  seriesColor,
  type Trace,
  type Axis,
  type PlotOptions,
} from './svg-plot.js';
export { fitConcentrationTable, fitSection, fitSpectrumInput } from './from-fit.js';
export { fileInfoJson, fileInfoText } from './file-info.js';
export { analysisSummaryLine, statusLine, statusText } from './status-line.js';
export { classifyReport, classifyText, quantifyReport, quantifyText } from './from-network.js';
