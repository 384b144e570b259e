import { fitConcentrationsCsv, fitReport, fitSpectraCsv } from '../report/fit-files.js';
import { waterFatCsv, waterFatReport } from '../report/water-fat-files.js';
import type { AnalysisResult } from './analyse-file.js';
import { resultsJsonFile } from './results-json.js';

/**
 * The output files of one analysis as text, by name (the caller writes them, atomically: io/atomic.ts):
 * results.json always; a metabolite fit adds concentrations.csv, spectra.csv, report.html and fit.svg, a water–fat
 * fit water-fat.csv, report.html and fit.svg (when the report has a figure). Rendering lives in src/report/.
 */
export function analysisFiles(r: AnalysisResult): Record<string, string> {
  const json = resultsJsonFile(r);
  if (r.kind === 'metabolites') {
    const report = fitReport(r);
    return {
      'results.json': json,
      'concentrations.csv': fitConcentrationsCsv(r),
      'spectra.csv': fitSpectraCsv(r.fit),
      'report.html': report.html,
      'fit.svg': report.figures[0].svg,
    };
  }
  const report = waterFatReport(r);
  const files: Record<string, string> = {
    'results.json': json,
    'water-fat.csv': waterFatCsv(r),
    'report.html': report.html,
  };
  if (report.figures[0]) files['fit.svg'] = report.figures[0].svg;
  return files;
}
