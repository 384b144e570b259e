import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withProgress } from '../parallel/progress.js';
import { readDoneRepeats } from './store.js';
import {
  repeatLine,
  type StudyRequest,
  studyClosingLines,
  studyJson,
  studySettings,
  studySetup,
} from './study-request.js';
import { writeRepeatFiles, writeStudyFiles } from './study-files.js';
import { runStudy } from './study-runner.js';
import { summariseStudy } from './study-summary.js';
import type { RepeatResult } from './virtual-study.js';

/** How a study request talks: its command line (for the record), quiet, and whether a JSON summary is wanted. */
export interface StudyRunIo {
  command: string;
  quiet?: boolean;
  json?: boolean;
}

/**
 * `livermrs study` as one library call: the setup, the repeats (resumed from OUT/repeats, or one shard of them)
 * with a progress bar, the output folder written after every repeat and once more at the end, and the closing
 * lines on stderr. Returns the JSON summary when `io.json` (the caller prints it).
 */
export async function runStudyRequest(o: StudyRequest, io: StudyRunIo): Promise<unknown | undefined> {
  const setup = studySetup(o, io.command);
  const { design, desc } = setup;
  const settings = studySettings(o, design);
  const out = o.out;
  mkdirSync(join(out, 'repeats'), { recursive: true });
  const done = o.resume ? readDoneRepeats(out, settings) : [];
  let log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  const say = (msg: string) => {
    if (!io.quiet && !io.json) log(`study: ${msg}`);
  };
  if (done.length) say(`resuming: ${done.length} repeat(s) already in ${join(out, 'repeats')}`);
  for (const n of setup.notes) say(n);
  for (const w of setup.warnings) say(`warning: ${w}`);
  const t0 = performance.now();
  const write = (results: RepeatResult[]) =>
    writeStudyFiles(out, setup, settings, results, (performance.now() - t0) / 1000);
  const results = await withProgress(
    'study',
    settings.repeats,
    async (p) => {
      log = (line) => p.log(line);
      p.update(done.length);
      return runStudy({
        settings,
        template: setup.template,
        basis: setup.basis,
        truth: setup.truth?.cohort,
        patients: setup.patients,
        done,
        signal: p.signal,
        shard: o.shard,
        onEvent: (e) => {
          if (e.stage !== 'quantification' || !e.message.startsWith('NLLS '))
            say(`repeat ${e.repeat}: ${e.stage}: ${e.message}`);
        },
        onRepeat: async (r, all) => {
          await writeRepeatFiles(out, settings, r);
          await write(all);
          say(`repeat ${r.repeat} done in ${r.seconds.total.toFixed(0)} s: ${repeatLine(r)}`);
          p.update(all.length);
        },
      });
    },
    { quiet: io.quiet || io.json, unit: 'repeats' },
  );
  log = (line) => process.stderr.write(`${line}\n`);
  // Written after every new repeat; written here too so that a --resume with nothing left to run (merging
  // shards) still leaves the metrics, predictions and report of all repeats.
  await write(results);
  const summary = summariseStudy(results);
  if (io.json) return studyJson(out, setup, results, summary);
  for (const line of studyClosingLines(setup, results, summary)) say(line);
  say(`report: ${join(out, 'report.html')}`);
  if (desc.mode !== 'manifest' || !results[0]) {
    say(`${results.length} repeat(s) in ${((performance.now() - t0) / 1000).toFixed(0)} s -> ${out}`);
  }
  return undefined;
}
