import type { OutputDir } from '../io/atomic.js';
import { outputFolders } from '../io/output-names.js';
import { batchSummaryCsv, batchSummaryReport, fitNumbers } from '../report/batch-summary.js';
import { writeReportInto } from '../report/write.js';
import type { AnalysisJobFailure, AnalysisJobOutput } from './batch.js';

/**
 * Writes the outputs of analysis jobs into an output folder being staged (io/atomic.ts withOutputDir): one job's
 * files at the top, or for a batch one subfolder per input (io/output-names.ts) plus summary.csv and a summary
 * report with one row per input, failures included.
 */
export async function writeAnalysisOutputs(
  dir: OutputDir,
  results: readonly (AnalysisJobOutput | AnalysisJobFailure)[],
  inputs: readonly string[],
  batch: boolean,
): Promise<void> {
  const names = outputFolders(inputs);
  results.forEach((r, i) => {
    if (!('files' in r)) return;
    const sub = batch ? `${names[i]}/` : '';
    for (const [name, text] of Object.entries(r.files)) dir.write(`${sub}${name}`, text);
  });
  if (!batch) return;
  const entries = results.map((r, i) =>
    'files' in r
      ? {
          input: inputs[i],
          folder: names[i],
          status: String(r.summary.status ?? 'ok'),
          reasons: (r.summary.statusReasons as string[] | undefined) ?? [],
          numbers: fitNumbers(r.summary),
        }
      : { input: inputs[i], status: 'error', reasons: [r.error], numbers: [] },
  );
  dir.write('summary.csv', batchSummaryCsv(entries));
  await writeReportInto(dir, batchSummaryReport('fit', entries), { svg: false, png: false });
}
