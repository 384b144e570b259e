import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fidCount, fromFid, fromFids, toFid } from '../../src/core/mrs-data.js';
import { decideWaterSuppression } from '../../src/fit/water-fat/detect.js';
import { referenceWaterFat } from '../../src/fit/water-fat/referencing.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { Rng } from '../../src/core/random.js';
import { liverBasis } from '../../src/fit/liver.js';
import { synthesizeFid } from '../../src/fit/synthesize.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { loadWaterFatCohort } from '../../src/simulate/cohort-files.js';
import { drawWaterFatTruth } from '../../src/simulate/water-fat-cohort.js';
import { signalFatFraction, simulateWaterFat } from '../../src/simulate/water-fat.js';

/** The built-in water–fat cohort (data/cohorts/water-fat/body.yaml), as `livermrs simulate --water-fat` draws. */
const BODY = loadWaterFatCohort().cohort;

const out = mkdtempSync(join(tmpdir(), 'livermrs-wf-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { encoding: 'utf8' });
const truth = (dir: string) =>
  readFileSync(join(dir, 'truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('livermrs fit on water-unsuppressed body spectra (CLI)', () => {
  it('a single-TE file needs no option: status, referencing shift, signal FF against the truth', () => {
    const sim = join(out, 'single');
    expect(
      cli('simulate', '--water-fat', '--n', '2', '--seed', '3', '--te', '30', '--tr', '3000', '--out', sim)
        .status,
    ).toBe(0);
    const [row] = truth(sim);
    const r = cli('fit', join(sim, row[0]), '--out', join(out, 'fit1'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fit: .*: (OK|DOUBTFUL).*PDFF .*signal FF .*referencing shift/);
    const res = JSON.parse(readFileSync(join(out, 'fit1', 'results.json'), 'utf8'));
    expect(res.kind).toBe('water-fat');
    expect(res.waterSuppression).toMatchObject({ suppressed: false, source: 'header' });
    const [pdff, t2w, t2f, , , , offset] = row.slice(1).map(Number);
    const ew = (1 - pdff) * Math.exp(-0.03 / t2w) * (1 - Math.exp(-3 / 0.809));
    const ef = pdff * Math.exp(-0.03 / t2f) * (1 - Math.exp(-3 / 0.382));
    // Within 3 CRLB SDs of the truth (this subject: SNR 60, SD 1.1 points).
    const err = res.signalFatFraction.value - (100 * ef) / (ew + ef);
    expect(Math.abs(err)).toBeLessThan(3 * res.signalFatFraction.sd);
    expect(Math.abs(res.referencing.shiftPpm - offset)).toBeLessThan(0.05);
    const report = readFileSync(join(out, 'fit1', 'report.html'), 'utf8');
    expect(report).toMatch(/Status: (OK|DOUBTFUL)/);
    expect(report).toMatch(/referencing shift applied/);
    expect(readFileSync(join(out, 'fit1', 'water-fat.csv'), 'utf8')).toMatch(
      /^te_ms,quantity,value,sd,unit,status\n30\.0,water,/,
    );
  });

  it('a HISTO series (5 TEs in one NIfTI-MRS) gives the T2-corrected PDFF; the same echoes as --series files agree', () => {
    const sim = join(out, 'histo');
    expect(cli('simulate', '--water-fat', '--n', '1', '--seed', '4', '--out', sim).status).toBe(0);
    const [row] = truth(sim);
    const r = cli('fit', join(sim, row[0]), '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kind).toBe('water-fat-series');
    expect(res.echoTimes).toEqual([0.012, 0.024, 0.036, 0.048, 0.072]);
    expect(Math.abs(res.pdff.value - 100 * Number(row[1]))).toBeLessThan(2);
    // The same file twice is a series with duplicated TEs: one clear line, exit 2, nothing written.
    const dup = cli('fit', join(sim, row[0]), join(sim, row[0]), '--series', '--out', join(out, 'dup'));
    expect(dup.status).toBe(2);
    expect(dup.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(out, 'dup'))).toBe(false);
  });

  it('a spectrum with no signal ends failed with no numbers in the table', () => {
    const sim = join(out, 'empty');
    expect(
      cli('simulate', '--water-fat', '--n', '1', '--seed', '5', '--te', '30', '--out', sim, '--pdff', '0')
        .status,
    ).toBe(0);
    // Overwrite with pure noise through the library: the NIfTI-MRS of a zero-signal acquisition.
    const rng = new Rng(1);
    const basis = liverBasis();
    const fid = synthesizeFid(
      basis,
      { amplitudes: {}, lorentzHz: 5, gaussianHz: 5, shiftHz: 0, noiseSd: 1 },
      rng,
    );
    const mrs = fromFid(fid, { file: 'noise.nii.gz' });
    mrs.extension = { WaterSuppressed: false, SequenceName: 'STEAM', EchoTime: 0.03 };
    writeFileSync(join(out, 'noise.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const r = cli('fit', join(out, 'noise.nii.gz'), '--out', join(out, 'fitnoise'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/FAILED \(no signal/);
    const csv = readFileSync(join(out, 'fitnoise', 'water-fat.csv'), 'utf8')
      .trim()
      .split('\n');
    for (const line of csv.slice(1, -1)) expect(line).toMatch(/^30\.0,[^,]+,,,.*,failed$/);
    // The last row records which analysis ran and why.
    expect(csv.at(-1)).toBe(
      ',analysis,,,"water–fat fit (water not suppressed), from the header (header:WaterSuppressed)",failed',
    );
  });
});

describe('transients of a body spectrum (breath-holds)', () => {
  it('are aligned, an outlier is rejected, and the count kept is in the provenance', () => {
    const rng = new Rng(21);
    const t = {
      ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.25 }),
      snr: 150,
      offsetPpm: 0.2,
    };
    const fids = Array.from({ length: 8 }, (_, i) => {
      // Each breath-hold drifts by up to ±6 Hz and ±20°; transient 5 lost most of its signal (motion).
      const f = simulateWaterFat(
        {
          ...t,
          offsetPpm: t.offsetPpm + (rng.uniform() - 0.5) * 0.1,
          phase0Deg: t.phase0Deg + 40 * (rng.uniform() - 0.5),
        },
        [0.03],
        rng,
      ).fids[0];
      if (i === 5) for (let k = 0; k < f.data.length; k++) f.data[k] *= 0.2;
      return f;
    });
    const mrs = fromFids(fids, 'DIM_DYN', { file: 'dyn.nii.gz' });
    mrs.extension = { SequenceName: 'STEAM', EchoTime: 0.03, WaterSuppressed: false };
    writeFileSync(join(out, 'dyn.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const r = cli('fit', join(out, 'dyn.nii.gz'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.preprocessing.map((p: { Method: string }) => p.Method)).toContain('Signal averaging');
    expect(JSON.stringify(res.preprocessing)).toMatch(/1 rejected/);
    expect(Math.abs(res.signalFatFraction.value - signalFatFraction(t, 0.03))).toBeLessThan(1);
  });
});

describe('water suppression from the spectrum alone', () => {
  it('a fatty liver with no header flag is recognised from its spectrum; the option forces either analysis', () => {
    const rng = new Rng(30);
    const { fids } = simulateWaterFat(
      { ...drawWaterFatTruth(BODY, rng, { repetitionTime: 3, pdff: 0.3 }), snr: 200 },
      [0.03],
      rng,
    );
    const mrs = fromFid(fids[0], { file: 'amb.nii.gz' });
    mrs.extension = { SequenceName: 'STEAM', EchoTime: 0.03 };
    writeFileSync(join(out, 'amb.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const r = cli('fit', join(out, 'amb.nii.gz'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kind).toBe('water-fat');
    // Water and fat alone explain it to the noise (the old rule, water 35–95 % of water + fat, called it ambiguous).
    expect(res.waterSuppression).toMatchObject({
      source: 'spectrum',
      suppressed: false,
      analysis: 'water-fat',
    });
    expect(res.waterSuppression.ambiguous).toBeUndefined();
    expect(res.waterSuppression.evidence).toMatch(
      /the water–fat model leaves [0-2]\.\d× the noise at 2\.9–4\.0 ppm/,
    );
    const off = JSON.parse(
      cli('fit', join(out, 'amb.nii.gz'), '--json', '--water-suppression', 'off').stdout,
    );
    expect(off.waterSuppression).toEqual({ suppressed: false, source: 'option', analysis: 'water-fat' });
    expect(off.statusReasons.join(' ')).not.toMatch(/water-suppression/);
    const on = JSON.parse(cli('fit', join(out, 'amb.nii.gz'), '--json', '--water-suppression', 'on').stdout);
    expect(on.kind).toBe('metabolites');
  });

  it('cohort spectra carry their water suppression in the header; the spectrum alone is rarely sure', () => {
    const sim = join(out, 'cohort');
    const r = cli('simulate', '--cohort', 'truth-hbv', '--n', '100', '--seed', '2', '--out', sim);
    expect(r.status).toBe(0);
    const mrs = readMrsFile(join(sim, 'spectra.nii.gz'));
    expect(mrs.extension.WaterSuppressed).toBe(true);
    let calledUnsuppressed = 0;
    for (let i = 0; i < fidCount(mrs); i++) {
      const fid = toFid(mrs, i);
      const ref = referenceWaterFat(fid);
      expect(decideWaterSuppression('auto', fid.acquisition?.waterSuppressed, ref).suppressed).toBe(true);
      const d = decideWaterSuppression('auto', undefined, ref);
      if (!d.suppressed && !d.ambiguous) calledUnsuppressed++;
    }
    // Without the header, a lipid-poor spectrum whose residual water dominates looks unsuppressed: measured
    // 1 of these 200 (0.1–0.3 % over 12,000 cohort spectra).
    expect(calledUnsuppressed).toBeLessThanOrEqual(2);
  });
});

describe('networks refuse what they were not trained for', () => {
  it('quantify and classify refuse a spectrum whose header says water-unsuppressed, in one line naming the field', () => {
    const rng = new Rng(8);
    const { fids } = simulateWaterFat(
      { ...drawWaterFatTruth(BODY, rng, { repetitionTime: 1.5, pdff: 0.15 }), offsetPpm: 0 },
      [0.03],
      rng,
    );
    const mrs = fromFid(fids[0], { file: 'wf.nii.gz' });
    mrs.extension = { SequenceName: 'PRESS', EchoTime: 0.03, WaterSuppressed: false };
    writeFileSync(join(out, 'wf-press.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    for (const cmd of ['quantify', 'classify']) {
      const r = cli(cmd, join(out, 'wf-press.nii.gz'));
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/water suppression: a water-unsuppressed spectrum/);
    }
    // Without the flag the spectrum cannot prove it: the answer comes with a note saying so.
    mrs.extension = { SequenceName: 'PRESS', EchoTime: 0.03 };
    writeFileSync(join(out, 'wf-noflag.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const q = JSON.parse(cli('quantify', join(out, 'wf-noflag.nii.gz'), '--json').stdout);
    expect(q.notes.join(' ')).toMatch(/the networks were not trained for it/);
  });
});

describe('sequence-aware basis (one Acquisition from the header)', () => {
  it('a water-suppressed STEAM file is fitted with a STEAM basis; no sequence in the header is refused', () => {
    const rng = new Rng(2);
    const basis = liverBasis(undefined, { sequence: 'steam', echoTime: 0.02, mixingTime: 0.01 });
    const fid = synthesizeFid(
      basis,
      {
        amplitudes: { L13: 1, L09: 0.1, L21: 0.2, Cho: 2, Glyc: 1 },
        lorentzHz: 15,
        gaussianHz: 5,
        shiftHz: 0,
        noiseSd: 0.5,
      },
      rng,
    );
    // Residual water well below fat: a suppressed spectrum; the header names the Siemens STEAM sequence.
    const mrs = fromFid({ ...fid, echoTime: 0.02 }, { file: 'steam.nii.gz' });
    mrs.extension = { SequenceName: '*svs_st', EchoTime: 0.02, MixingTime: 0.01, WaterSuppressed: true };
    writeFileSync(join(out, 'steam.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const r = cli('fit', join(out, 'steam.nii.gz'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.kind).toBe('metabolites');
    expect(res.basis).toEqual({ sequence: 'steam', echoTime: 0.02 });
    expect(['ok', 'doubtful']).toContain(res.status);
    mrs.extension = { EchoTime: 0.02, WaterSuppressed: true };
    writeFileSync(join(out, 'nosq.nii.gz'), encodeNiftiMrs(mrs, { gzip: true }));
    const bad = cli('fit', join(out, 'nosq.nii.gz'), '--json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/sequence is unknown.*--sequence press\|steam/);
    const forced = cli('fit', join(out, 'nosq.nii.gz'), '--json', '--sequence', 'steam');
    expect(forced.status, forced.stderr).toBe(0);
  });
});
