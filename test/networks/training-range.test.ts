import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromFid, toFid } from '../../src/core/mrs-data.js';
import { Rng } from '../../src/core/random.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { defaultModelsDir, readBundle, type TrainingRecord } from '../../src/networks/bundle.js';
import { checkTrainingRange } from '../../src/networks/training-range-check.js';
import { rangeOfCohorts, trainingRange } from '../../src/networks/training-range.js';

const out = mkdtempSync(join(tmpdir(), 'livermrs-range-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const record = readBundle(defaultModelsDir(), 'quantify').record as TrainingRecord;

/** Spectra of a built-in cohort (its first group), one Fid each, with their SNR from truth.csv. */
function spectra(cohort: string, n: number, seed: number) {
  const dir = join(out, `${cohort}-${seed}`);
  const r = spawnSync(
    process.execPath,
    [
      'dist/src/cli/main.js',
      'simulate',
      '--cohort',
      cohort,
      '--group',
      'LC',
      '--n',
      String(n),
      '--seed',
      String(seed),
      '--out',
      dir,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const mrs = readMrsFile(join(dir, 'spectra.nii.gz'));
  const lines = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n');
  const col = lines[0].split(',').indexOf('snr');
  const sd = lines[0].split(',').indexOf('noise_sd');
  return lines.slice(1).map((l, i) => ({
    fid: toFid(mrs, i),
    snr: Number(l.split(',')[col]),
    noiseSd: Number(l.split(',')[sd]),
  }));
}

describe('training range of the shipped networks', () => {
  it('comes from their cohorts (hbv-lc, hbv-lc-hcc): SNR and lipid FWHM intervals of the priors', () => {
    const r = trainingRange(record);
    expect(r?.cohorts).toEqual(['hbv-lc', 'hbv-lc-hcc']);
    const again = rangeOfCohorts(['hbv-lc', 'hbv-lc-hcc']);
    expect(r?.snr).toEqual(again.snr);
    // hbv-lc SNR is lognormal around 500: the interval holds it with room on both sides.
    expect(again.snr[0]).toBeLessThan(300);
    expect(again.snr[1]).toBeGreaterThan(900);
  });

  it('accepts spectra drawn from the training cohort and refuses ones at a third of its SNR', () => {
    const r = trainingRange(record);
    if (!r) throw new Error('no range');
    for (const { fid } of spectra('hbv-lc', 12, 3)) {
      expect(checkTrainingRange(fid, record, r).status).toBe('ok');
    }
    let refused = 0;
    let low = 0;
    for (const { fid, snr } of spectra('truth-lowsnr', 24, 4)) {
      if (snr >= r.snr[0] * 0.7) continue;
      low++;
      const c = checkTrainingRange(fid, record, r);
      if (c.status === 'failed') refused++;
      expect(c.status === 'failed' ? c.reasons.join(' ') : 'SNR').toMatch(/SNR/);
    }
    expect(low).toBeGreaterThan(5);
    expect(refused).toBe(low);
  });

  it('quantify and classify give no numbers for such a spectrum, with the status and its reason', () => {
    const r = trainingRange(record);
    // The guard's SNR limit comes from calibration spectra with realism (broadened lines have lower peaks): a
    // spectrum at a quarter of the cohorts' lowest SNR is below it. One draw with 4× its noise added (the FID's
    // noise SD is the spectrum's / √N for the unnormalised DFT).
    const draw = spectra('truth-lowsnr', 4, 5)[0];
    const factor = (4 * draw.snr) / (r?.snr[0] ?? 1);
    const extra = (draw.noiseSd / Math.sqrt(draw.fid.points)) * Math.sqrt(Math.max(0, factor ** 2 - 1));
    const rng = new Rng(7);
    const data = Float64Array.from(draw.fid.data, (v) => v + extra * rng.normal());
    const low = { fid: { ...draw.fid, data } };
    const mrs = fromFid({ ...low.fid, echoTime: 0.03 }, { file: 'low.nii.gz' });
    mrs.extension = { SequenceName: 'PRESS', EchoTime: 0.03, WaterSuppressed: true };
    writeFileSync(join(out, 'low.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const cli = (cmd: string) =>
      spawnSync(process.execPath, ['dist/src/cli/main.js', cmd, join(out, 'low.nii.gz'), '--json'], {
        encoding: 'utf8',
      });
    const q = JSON.parse(cli('quantify').stdout);
    expect(q.status).toBe('failed');
    expect(q.statusReasons.join(' ')).toMatch(/SNR .* outside the training/);
    expect(q.components).toEqual([]);
    const c = JSON.parse(cli('classify').stdout);
    expect(c.status).toBe('failed');
    expect(c.probability).toBeNull();
    // --force answers, and the status still says why the answer is doubtful.
    const forced = JSON.parse(
      spawnSync(
        process.execPath,
        ['dist/src/cli/main.js', 'classify', join(out, 'low.nii.gz'), '--json', '--force'],
        {
          encoding: 'utf8',
        },
      ).stdout,
    );
    expect(forced.status).toBe('doubtful');
    expect(forced.probability).toBeGreaterThanOrEqual(0);
  });
});
