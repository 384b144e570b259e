import { join } from 'node:path';
import { withOutputDir, writeFileAtomic } from '../io/atomic.js';
import { toJson } from '../io/json.js';
import { writeBundle } from '../networks/bundle.js';
import { writeReport } from '../report/write.js';
import { formatCohort } from '../simulate/cohort-schema.js';
import { repeatFile, storedRepeat } from './store.js';
import { metricsJson, predictionsCsv, quantificationCsv } from './study-output.js';
import { studyReport } from './study-report.js';
import { protocolText, type StudySetup } from './study-request.js';
import type { RepeatResult, StudySettings } from './virtual-study.js';

/**
 * The files of a study over the repeats done so far, rewritten after every repeat: metrics.json,
 * predictions.csv, quantification.csv (when a repeat compared quantification) and report.html.
 * `wallSeconds` is this invocation's wall time (a resumed or merged run's work is the repeats' own seconds).
 */
export async function writeStudyFiles(
  out: string,
  setup: StudySetup,
  settings: StudySettings,
  results: RepeatResult[],
  wallSeconds: number,
): Promise<void> {
  const { desc, notes, warnings, design, basis } = setup;
  const metrics = metricsJson(desc, settings, results, {
    notes,
    warnings,
    wallSeconds,
    repeatSeconds: results.reduce((s, r) => s + r.seconds.total, 0),
  });
  writeFileAtomic(join(out, 'metrics.json'), `${toJson(metrics)}\n`);
  writeFileAtomic(join(out, 'predictions.csv'), predictionsCsv(results, basis.names));
  const q = results.find((r) => r.quantification)?.quantification;
  if (q) writeFileAtomic(join(out, 'quantification.csv'), quantificationCsv(q));
  await writeReport(
    out,
    studyReport({
      title: `livermrs study: ${desc.mode === 'virtual' ? `virtual patients from ${setup.truth?.cohort.name}` : desc.source}`,
      meta: [
        ['command', desc.command ?? ''],
        ...(desc.mode === 'manifest'
          ? []
          : ([['repeats', `${results.length} of ${settings.repeats}`]] as [string, string][])),
        ['training spectra per network', String(settings.trainSpectra)],
        [
          'design',
          `${design.groups[0]} ${design.prior[0]} prior + ${design.test[0]} test; ${design.groups[1]} ${design.prior[1]} prior + ${design.test[1]} test`,
        ],
      ],
      summary: metrics.summary,
      repeats: results,
      quantification: q,
      notes,
      warnings,
      ...(desc.mode === 'manifest'
        ? {
            manifest: {
              groups: design.groups,
              protocol: protocolText(setup.template.protocol),
              trainSpectra: settings.trainSpectra,
              components: basis.names.length,
            },
          }
        : {}),
    }),
    { png: false },
  );
}

/**
 * The files of one finished repeat: repeats/NNN.json (what --resume reads back), repeats/NNN-priors.yaml, and
 * for repeat 1 also priors.yaml and models/ (the qCNN and cCNN bundles).
 */
export async function writeRepeatFiles(out: string, settings: StudySettings, r: RepeatResult): Promise<void> {
  const name = String(r.repeat).padStart(3, '0');
  writeFileAtomic(join(out, repeatFile(r.repeat)), `${toJson(storedRepeat(settings, r))}\n`);
  const yaml = formatCohort(r.priors.cohort, `priors estimated in repeat ${r.repeat} of livermrs study`);
  writeFileAtomic(join(out, 'repeats', `${name}-priors.yaml`), yaml);
  if (r.repeat === 1) {
    writeFileAtomic(join(out, 'priors.yaml'), yaml);
    if (r.networks) {
      const nets = r.networks;
      await withOutputDir(join(out, 'models'), (dir) => {
        writeBundle(dir, nets.qcnn.net, nets.qcnn.model, { name: 'qCNN (study repeat 1)' });
        writeBundle(dir, nets.ccnn.net, nets.ccnn.model, { name: 'cCNN (study repeat 1)' });
      });
    }
  }
}
